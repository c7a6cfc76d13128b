package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Faults of each operation through the local endpoint, with the real SDK clients: every scenario asserts the
 * answer, the attempts, the time bound, and what the next invocation does (look the endpoint up again, or reuse
 * it).
 */
class FaultTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Operation LOOKUP = Operation.GET_SIGNALING_CHANNEL_ENDPOINT;
    static final Operation JOIN = Operation.JOIN_STORAGE_SESSION_AS_VIEWER;
    /** Room for the JVM and the machine on top of a time bound; the bounds themselves are far larger. */
    static final Duration SLACK = Duration.ofMillis(400);

    private LocalKinesisVideo kvs;
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private JoinHandler handler;

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
        handler = handler(Map.of("JOIN_READ_TIMEOUT_MS", "500", "JOIN_CONNECT_TIMEOUT_MS", "500"));
    }

    @AfterEach
    void stop() {
        kvs.close();
    }

    private JoinHandler handler(Map<String, String> env) {
        return LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "token")),
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
    }

    /** One invocation's answer: the result or the error name, and its log line. */
    record Answer(String error, JsonNode result, JsonNode log, Duration took) {

        String code() {
            return log.path("error_code").asText("");
        }

        int attempts() {
            return log.path("attempts").asInt();
        }
    }

    private Answer invoke(JoinHandler target, int remainingMillis) {
        int before = logLines.size();
        long started = System.nanoTime();
        String error = null;
        JsonNode result = null;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            target.handleRequest(new ByteArrayInputStream(utf8("{\"channelArn\":\"" + ARN + "\",\"clientId\":\"v\"}")),
                    out, new TestContext("r", remainingMillis));
            result = JSON.readTree(out.toByteArray());
        } catch (JoinException e) {
            error = e.getClass().getSimpleName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(logLines).as("one log line per invocation").hasSize(before + 1);
        try {
            return new Answer(error, result, JSON.readTree(logLines.get(before)), took);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Answer invoke() {
        return invoke(handler, 10_000);
    }

    private long lookups() {
        return kvs.requests().stream().filter(r -> r.operation() == LOOKUP).count();
    }

    /** Joins once more with no fault: whether the endpoint had to be looked up again. */
    private boolean nextInvocationLooksUp() {
        long before = lookups();
        Answer next = invoke();
        assertThat(next.error()).as("the next invocation joins").isNull();
        return lookups() > before;
    }

    /**
     * The scenarios: faults queued for one operation, the error code expected ("" for joined), the attempts the
     * answer reports, and whether the next invocation looks the endpoint up again.
     */
    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("lookup throttled once", LOOKUP, List.of(throttled()), "", 3, false),
                Arguments.of("join throttled once", JOIN, List.of(throttled()), "", 3, false),
                Arguments.of("lookup throttled on every attempt", LOOKUP, times(3, throttled()), "Throttled", 3,
                        true),
                Arguments.of("join throttled on every attempt", JOIN, times(3, throttled()), "Throttled", 4, false),
                Arguments.of("lookup 500 once", LOOKUP, List.of(error(ServiceError.INTERNAL_FAILURE)), "", 3, false),
                Arguments.of("join 503 on every attempt", JOIN, times(3, error(ServiceError.SERVICE_UNAVAILABLE)),
                        "UpstreamUnavailable", 4, true),
                Arguments.of("lookup 503 on every attempt", LOOKUP, times(3, error(ServiceError.SERVICE_UNAVAILABLE)),
                        "UpstreamUnavailable", 3, true),
                Arguments.of("lookup slower than the read timeout once", LOOKUP,
                        List.of(Fault.delay(Duration.ofMillis(1_500))), "", 3, false),
                Arguments.of("join slower than the read timeout every time", JOIN,
                        times(3, Fault.delay(Duration.ofMillis(1_500))), "UpstreamUnavailable", 4, true),
                Arguments.of("lookup connection closed once", LOOKUP, List.of(Fault.drop()), "", 3, false),
                Arguments.of("join connection closed every time", JOIN, times(3, Fault.drop()),
                        "UpstreamUnavailable", 4, true),
                Arguments.of("lookup 200 with an empty body", LOOKUP, List.of(Fault.body(200, "")), "UpstreamError",
                        1, true),
                Arguments.of("lookup 200 with malformed JSON", LOOKUP, times(3, Fault.body(200,
                        "{\"ResourceEndpointList\":[{\"Protocol\":")), "UpstreamError", 3, true),
                Arguments.of("lookup 200 with a mistyped body", LOOKUP, times(3, Fault.body(200,
                        "{\"ResourceEndpointList\":\"wss://x\"}")), "UpstreamError", 3, true),
                Arguments.of("lookup 200 cut short mid-body", LOOKUP, times(3, Fault.truncated()),
                        "UpstreamUnavailable", 3, true),
                Arguments.of("join 200 with a malformed error body", JOIN, times(3, Fault.body(500, "{\"mess")),
                        "UpstreamUnavailable", 4, true),
                Arguments.of("lookup signature refused", LOOKUP, List.of(error(ServiceError.INVALID_SIGNATURE)),
                        "UpstreamError", 1, true),
                Arguments.of("join credentials expired", JOIN, List.of(error(ServiceError.EXPIRED_TOKEN)),
                        "UpstreamError", 2, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void fault_whenScripted_answersAsDocumentedAndLeavesTheCacheRight(String name, Operation operation,
                                                                     List<Fault> faults, String code, int attempts,
                                                                     boolean looksUpAgain) {
        faults.forEach(fault -> kvs.failNext(operation, fault));

        Answer answer = invoke();

        assertThat(answer.code()).as("error code").isEqualTo(code);
        assertThat(answer.error() == null).as("joined").isEqualTo(code.isEmpty());
        assertThat(answer.attempts()).as("attempts").isEqualTo(attempts);
        assertThat(answer.log().path("channelArn").asText()).isEqualTo(ARN);
        assertThat(answer.log().path("level").asText()).isIn("INFO", "WARN");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(10));
        assertThat(kvs.violations()).isEmpty();
        assertThat(nextInvocationLooksUp()).as("the next invocation looks the endpoint up again")
                .isEqualTo(looksUpAgain);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://127.0.0.1:443", "https://127.0.0.1:99999", "https://127.0.0.1:0", "https://127.0.0.1:65536",
        "file:///etc/passwd", "https://", "https:///", "https://user:secret@127.0.0.1", "https://127.0.0.1/path",
        "https://127.0.0.1?query=1", "https://127.0.0.1#fragment", "not a url", "", " https://127.0.0.1",
        "https://127 .0.0.1", "//127.0.0.1", "https:127.0.0.1", "wss://127.0.0.1:443", "https://[::1",
        "https://host_with_underscore.example", "https://127.0.0.1:port", "jar:https://127.0.0.1!/x",
    })
    void lookup_whenEndpointUnusable_answers502AndCachesNothing(String endpoint) {
        kvs.failNext(LOOKUP, Fault.endpoint(endpoint));

        Answer answer = invoke();

        assertThat(answer.error()).isEqualTo("UpstreamErrorException");
        assertThat(answer.log().path("error_message").asText())
                .isEqualTo("Kinesis Video returned a WEBRTC endpoint the function cannot use");
        assertThat(answer.log().path("level").asText()).isEqualTo("WARN");
        assertThat(answer.attempts()).isEqualTo(1);
        assertThat(answer.log().path("clientId").asText()).isEqualTo("v");
        assertThat(answer.log().toString()).doesNotContain("secret");
        assertThat(kvs.requests()).extracting(Recorded::operation).containsExactly(LOOKUP);
        assertThat(nextInvocationLooksUp()).isTrue();
    }

    @Test
    void join_whenEndpointResetsConnections_answers503AndLooksUpAgain() throws IOException {
        try (ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!resetting.isClosed()) {
                    try (Socket socket = resetting.accept()) {
                        socket.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            kvs.failNext(LOOKUP, Fault.endpoint("http://127.0.0.1:" + resetting.getLocalPort()));

            Answer answer = invoke();

            assertThat(answer.error()).as(answer.log().toString()).isEqualTo("UpstreamUnavailableException");
            assertThat(answer.attempts()).isEqualTo(4);
        }
        assertThat(nextInvocationLooksUp()).isTrue();
    }

    @Test
    void join_whenThrottledUntilTheDeadline_answersThrottledNotTimeout() {
        // Ten attempts with throttling backoff (up to 0.5, 1, 2, 4 s...) cannot all fit in 600 ms.
        JoinHandler patient = handler(Map.of("JOIN_MAX_ATTEMPTS", "10"));
        assertThat(invoke(patient, 10_000).error()).as("a first join builds the clients").isNull();
        for (int i = 0; i < 10; i++) {
            kvs.failNext(JOIN, throttled());
        }

        Answer answer = invoke(patient, 900);

        assertThat(answer.error()).as(answer.log().toString()).isEqualTo("ThrottledException");
        assertThat(answer.log().path("aws_error_code").asText()).isEqualTo("ClientLimitExceededException");
        assertThat(answer.took()).isLessThan(Duration.ofMillis(900).plus(SLACK));
    }

    /** With a slow answer, every remaining time from a few milliseconds up: the answer never comes after it. */
    @ParameterizedTest(name = "{0} ms left")
    @ValueSource(ints = {5, 50, 299, 300, 301, 302, 310, 349, 350, 351, 400, 600, 1_000})
    void join_whenAnswersAreSlow_neverAnswersAfterTheDeadline(int remainingMillis) {
        kvs.failNext(LOOKUP, Fault.delay(Duration.ofSeconds(4)));
        JoinHandler patient = handler(Map.of("JOIN_READ_TIMEOUT_MS", "10000"));

        Answer answer = invoke(patient, remainingMillis);

        assertThat(answer.error()).isEqualTo("UpstreamUnavailableException");
        assertThat(answer.took()).isLessThan(Duration.ofMillis(remainingMillis).plus(SLACK));
        long budget = remainingMillis - JoinFunction.RESERVE.toMillis();
        if (budget < dev.kvsjoin.join.Joiner.MIN_CALL_TIME.toMillis()) {
            assertThat(kvs.requests()).as("no call without time for it").isEmpty();
            assertThat(answer.attempts()).isZero();
        } else {
            assertThat(answer.took()).isLessThan(Duration.ofMillis(budget).plus(SLACK));
        }
    }

    @Test
    void retryQuota_whenOneRegionKeepsFailing_leavesAnotherRegionItsRetries() {
        String other = "arn:aws:kinesisvideo:eu-central-1:123456789012:channel/yard/1700000000001";
        kvs.addChannel(other);
        JoinHandler fast = handler(Map.of("ENDPOINT_CACHE_TTL_SECONDS", "0"));
        for (int i = 0; i < 60 * 3; i++) {
            kvs.failNext(LOOKUP, error(ServiceError.SERVICE_UNAVAILABLE));
        }
        for (int i = 0; i < 60; i++) {
            assertThat(invoke(fast, 10_000).code()).isEqualTo("UpstreamUnavailable");
        }
        // Once the quota is spent, fewer retries take fewer of the faults: start the other region from a clean slate.
        kvs.reset();
        kvs.addChannel(other);
        kvs.failNext(LOOKUP, error(ServiceError.SERVICE_UNAVAILABLE));

        int before = logLines.size();
        byte[] event = utf8("{\"channelArn\":\"" + other + "\",\"clientId\":\"v\"}");
        try {
            fast.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), TestContext.of("r"));
            assertThat(JSON.readTree(logLines.get(before)).path("attempts").asInt()).isEqualTo(3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Fault throttled() {
        return error(ServiceError.CLIENT_LIMIT_EXCEEDED);
    }

    static Fault error(ServiceError error) {
        return Fault.error(error, "Scripted " + error.type());
    }

    static List<Fault> times(int n, Fault fault) {
        return IntStream.range(0, n).mapToObj(i -> fault).toList();
    }
}
