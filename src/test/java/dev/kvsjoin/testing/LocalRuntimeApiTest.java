package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
    private LocalRuntimeApi api;

    @BeforeEach
    void start() throws IOException {
        api = LocalRuntimeApi.start(ARN, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        api.close();
        http.close();
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
}
