package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local runtime API driven by hand, as the runtime client drives it. */
class LocalRuntimeApiTest {

    static final String ARN = "arn:aws:lambda:us-west-2:123456789012:function:JoinFunction";
    static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();
    /** Runs the long polls of {@link RuntimeThread}s, which block until an event comes. */
    private final ExecutorService polls = Executors.newVirtualThreadPerTaskExecutor();
    private LocalRuntimeApi api;

    @BeforeEach
    void start() throws IOException {
        api = LocalRuntimeApi.start(ARN, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        api.close();
        http.close();
        polls.shutdownNow();
    }

    @Test
    void next_whenEventQueuedLater_blocksThenHandsItOutWithHeaders() throws Exception {
        assertThat(api.initDoneNanos()).isEmpty();
        CompletableFuture<HttpResponse<String>> next = nextAsync();

        long before = System.currentTimeMillis();
        CompletableFuture<Invocation> invocation = api.submit("{\"a\":1}".getBytes(UTF_8));
        HttpResponse<String> event = next.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.body()).isEqualTo("{\"a\":1}");
        assertThat(event.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).matches("[0-9a-f-]{36}"));
        assertThat(event.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(ARN);
        assertThat(event.headers().firstValue("Lambda-Runtime-Trace-Id")).hasValueSatisfying(
                trace -> assertThat(trace).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"));
        assertThat(Long.parseLong(event.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
                .isBetween(before + 20_000, System.currentTimeMillis() + 20_000);
        assertThat(api.initDoneNanos()).isPresent();
        assertThat(invocation).isNotDone();
    }

    @Test
    void response_whenPosted_settlesOnceRuntimeAsksForNextEvent() throws Exception {
        CompletableFuture<Invocation> invocation = api.submit("{}".getBytes(UTF_8));
        String id = nextAsync().join().headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

        assertThat(post("invocation/" + id + "/response", "{\"ok\":true}", null).statusCode()).isEqualTo(202);
        assertThat(invocation).isNotDone();
        nextAsync();

        Invocation settled = LocalRuntimeApi.await(invocation, WAIT);
        assertThat(settled.requestId()).isEqualTo(id);
        assertThat(settled.responseBody()).isEqualTo("{\"ok\":true}");
        assertThat(settled.duration()).isPositive();
        assertThat(api.violations()).isEmpty();
    }

    @Test
    void error_whenPosted_recordsErrorTypeHeaderAndDocument() throws Exception {
        CompletableFuture<Invocation> invocation = api.submit("{}".getBytes(UTF_8));
        String id = nextAsync().join().headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

        post("invocation/" + id + "/error", "{\"errorType\":\"x.Boom\"}", "Runtime.UserException");
        nextAsync();

        Invocation.Error error = LocalRuntimeApi.await(invocation, WAIT).error();
        assertThat(error.runtimeErrorType()).isEqualTo("Runtime.UserException");
        assertThat(error.body()).isEqualTo("{\"errorType\":\"x.Boom\"}");
    }

    @Test
    void response_whenRequestIdUnknown_answers400AndRecordsViolation() throws Exception {
        HttpResponse<String> answer = post("invocation/not-delivered/response", "{}", null);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(api.violations()).singleElement().asString().contains("not-delivered");
    }

    @Test
    void response_whenLargerThanLambdaAllows_answers413AndRecordsSizeError() throws Exception {
        CompletableFuture<Invocation> invocation = api.submit("{}".getBytes(UTF_8));
        String id = nextAsync().join().headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

        HttpResponse<String> answer = post("invocation/" + id + "/response",
                "x".repeat(LocalRuntimeApi.MAX_RESPONSE_BYTES + 1), null);
        nextAsync();

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(LocalRuntimeApi.await(invocation, WAIT).error().runtimeErrorType())
                .isEqualTo("Function.ResponseSizeTooLarge");
    }

    @Test
    void initError_whenPosted_abandonsQueuedInvocations() throws Exception {
        CompletableFuture<Invocation> invocation = api.submit("{}".getBytes(UTF_8));

        post("init/error", "{\"errorMessage\":\"no handler\"}", "Runtime.BadFunctionCode");

        assertThat(api.initError()).hasValueSatisfying(e -> assertThat(e.errorType())
                .isEqualTo("Runtime.BadFunctionCode"));
        assertThat(LocalRuntimeApi.await(invocation, WAIT).answer()).isInstanceOfSatisfying(
                Invocation.Abandoned.class, a -> assertThat(a.reason()).contains("no handler"));
        assertThat(api.awaitInitDone(Duration.ZERO)).isFalse();
    }

    @Test
    void abandon_whenAnsweredButNotSettled_keepsTheAnswer() throws Exception {
        CompletableFuture<Invocation> answered = api.submit("{}".getBytes(UTF_8));
        String id = nextAsync().join().headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
        post("invocation/" + id + "/response", "\"done\"", null);
        CompletableFuture<Invocation> queued = api.submit("{}".getBytes(UTF_8));

        api.abandon("the process exited");

        assertThat(LocalRuntimeApi.await(answered, WAIT).responseBody()).isEqualTo("\"done\"");
        assertThat(LocalRuntimeApi.await(queued, WAIT).answer()).isEqualTo(
                new Invocation.Abandoned("the process exited"));
    }

    @Test
    void next_whenSeveralOutstanding_handsEachEventToExactlyOne() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> polls = List.of(nextAsync(), nextAsync(), nextAsync());

        List<CompletableFuture<Invocation>> invocations = List.of(api.submit("{\"n\":1}".getBytes(UTF_8)),
                api.submit("{\"n\":2}".getBytes(UTF_8)), api.submit("{\"n\":3}".getBytes(UTF_8)));

        List<HttpResponse<String>> events = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            events.add(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertThat(events).extracting(HttpResponse::body)
                .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(events).extracting(e -> e.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow())
                .doesNotHaveDuplicates();
        assertThat(invocations).allSatisfy(i -> assertThat(i).isNotDone());
    }

    @Test
    void response_whenAnsweredInAnotherOrder_settlesEachWithItsOwnAnswer() throws Exception {
        try (RuntimeThread first = new RuntimeThread(); RuntimeThread second = new RuntimeThread()) {
            CompletableFuture<Invocation> one = api.submit("{\"n\":1}".getBytes(UTF_8));
            CompletableFuture<Invocation> two = api.submit("{\"n\":2}".getBytes(UTF_8));
            Event a = first.next();
            Event b = second.next();

            assertThat(second.post("invocation/" + b.requestId() + "/response", "\"answer " + b.body() + "\""))
                    .isEqualTo(202);
            assertThat(first.post("invocation/" + a.requestId() + "/response", "\"answer " + a.body() + "\""))
                    .isEqualTo(202);
            first.nextAsync();
            second.nextAsync();

            assertThat(LocalRuntimeApi.await(one, WAIT).responseBody()).isEqualTo("\"answer {\"n\":1}\"");
            assertThat(LocalRuntimeApi.await(two, WAIT).responseBody()).isEqualTo("\"answer {\"n\":2}\"");
            assertThat(api.violations()).isEmpty();
        }
    }

    @Test
    void settle_whenAnotherRuntimeThreadAsksForNext_waitsForTheThreadThatTookIt() throws Exception {
        try (RuntimeThread first = new RuntimeThread(); RuntimeThread second = new RuntimeThread()) {
            CompletableFuture<Invocation> taken = api.submit("{}".getBytes(UTF_8));
            Event event = first.next();
            CompletableFuture<Event> waiting = second.nextAsync();
            first.post("invocation/" + event.requestId() + "/error", "{\"errorType\":\"x.Boom\"}");
            CompletableFuture<Invocation> other = api.submit("{}".getBytes(UTF_8));
            Event otherEvent = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            second.post("invocation/" + otherEvent.requestId() + "/response", "{}");
            second.nextAsync();

            LocalRuntimeApi.await(other, WAIT);
            assertThat(taken).as("settled before its own thread asked again").isNotDone();

            first.nextAsync();
            assertThat(LocalRuntimeApi.await(taken, WAIT).answer()).isInstanceOf(Invocation.Error.class);
        }
    }

    @Test
    void settle_whenRuntimeThreadComesBackOnNewConnection_settlesAnsweredInvocations() throws Exception {
        CompletableFuture<Invocation> invocation = api.submit("{}".getBytes(UTF_8));
        try (RuntimeThread before = new RuntimeThread()) {
            Event event = before.next();
            before.post("invocation/" + event.requestId() + "/response", "{}");
        }

        try (RuntimeThread after = new RuntimeThread()) {
            after.nextAsync();
            assertThat(LocalRuntimeApi.await(invocation, WAIT).responseBody()).isEqualTo("{}");
        }
    }

    @Test
    void unknownResource_whenRequested_answers404AndRecordsViolation() throws Exception {
        HttpResponse<String> answer = post("invocation/next", "{}", null);

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(api.violations()).singleElement().asString().contains("POST invocation/next");
    }

    @Test
    void invoke_whenNobodyAsks_timesOut() {
        assertThatThrownBy(() -> api.invoke("{}".getBytes(UTF_8),
                Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
    }

    private CompletableFuture<HttpResponse<String>> nextAsync() {
        return http.sendAsync(HttpRequest.newBuilder(uri("invocation/next")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String errorType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (errorType != null) {
            request.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + api.address() + LocalRuntimeApi.PREFIX + path);
    }

    /** An event as a runtime thread received it. */
    record Event(String requestId, String body) {
    }

    /**
     * One runtime thread as the runtime client runs it: a single keep-alive HTTP/1.1 connection that it polls and
     * answers on, one request at a time.
     */
    private final class RuntimeThread implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RuntimeThread() throws IOException {
            String[] address = api.address().split(":");
            socket = new Socket(address[0], Integer.parseInt(address[1]));
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        Event next() throws IOException {
            Map<String, String> headers = new HashMap<>();
            String body = exchange("GET", "invocation/next", "", headers);
            return new Event(headers.get("lambda-runtime-aws-request-id"), body);
        }

        CompletableFuture<Event> nextAsync() {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return next();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, polls);
        }

        int post(String path, String body) throws IOException {
            Map<String, String> headers = new HashMap<>();
            exchange("POST", path, body, headers);
            return Integer.parseInt(headers.get(":status"));
        }

        /** Sends one request and reads its answer: headers (names in lower case, status as ":status") and body. */
        private String exchange(String method, String path, String body, Map<String, String> headers)
                throws IOException {
            byte[] content = body.getBytes(UTF_8);
            out.write(("%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n"
                    .formatted(method, LocalRuntimeApi.PREFIX, path, api.address(), content.length))
                    .getBytes(UTF_8));
            out.write(content);
            out.flush();
            headers.put(":status", line().split(" ")[1]);
            for (String line; !(line = line()).isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))), UTF_8);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                line.append((char) b);
            }
            return line.toString().stripTrailing();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
