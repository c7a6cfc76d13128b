package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.EmfValidator;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.FunctionProcess;
import dev.kvsjoin.testing.FunctionUnderTest;
import dev.kvsjoin.testing.FunctionTemplate;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.Listener;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.ServiceError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged function (target/classes and target/lib, as {@code sam build} lays them out) in its own JVM under the
 * real Lambda Java runtime client, with Lambda's JVM options and environment, against the local Kinesis Video
 * endpoint. One function process serves every test but the SnapStart one, so its endpoint cache carries over:
 * each test allows for that, or uses a channel of its own.
 */
class EndToEndTest {

    static final String CHANNEL = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    /** Known to the endpoint, used by one test only, so its endpoint cache entry is that test's own. */
    static final String CACHE_CHANNEL = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/back-door/1700000000001";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path EVENTS = Path.of("events");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The client id the samples join as; over API Gateway, bound to the sample IAM caller ({@link #HTTP_CLIENT}). */
    static final String CLIENT = "viewer-1";
    static final String HTTP_CLIENT = Callers.IAM_USER_ID + "." + CLIENT;
    /** The viewers every batch-*.json sample joins on {@link #CHANNEL}, in item order, and over API Gateway. */
    static final List<String> BATCH_CLIENTS = List.of("viewer-1", "viewer-2");
    static final List<String> HTTP_BATCH_CLIENTS = BATCH_CLIENTS.stream().map(c -> Callers.IAM_USER_ID + "." + c)
            .toList();
    /** The JWT sample, refused by a function in the default IAM mode and joined by one in JWT mode. */
    static final String JWT_SAMPLE = "http-api-jwt.json";
    static final String JWT_SUBJECT = "3f291106-8703-466b-8f2b-3ecee1ca56ce";

    /** The documented outcome of each file in events/ (see events/README.md). */
    static final Map<String, Consumer<FunctionProcess.Call>> EXPECTED = Map.ofEntries(
            Map.entry("invalid-method-http-api.json", call -> {
                JsonNode answer = response(call);
                assertThat(answer.path("statusCode").asInt()).isEqualTo(405);
                assertThat(answer.path("headers").path("allow").asText()).isEqualTo("POST");
                JsonNode body = body(answer);
                assertThat(body.path("error").asText()).isEqualTo("MethodNotAllowed");
                assertThat(body.path("requestId").asText()).isEqualTo(call.invocation().requestId());
            }),
            Map.entry("batch-http-api.json", call -> {
                JsonNode answer = response(call);
                assertThat(answer.path("statusCode").asInt()).as("every item joined").isEqualTo(200);
                assertThat(answer.path("headers").path("content-type").asText()).isEqualTo("application/json");
                assertThat(answer.path("headers").has("retry-after")).as("nothing to retry").isFalse();
                assertBatchJoined(body(answer), HTTP_BATCH_CLIENTS);
            }),
            Map.entry("batch-eventbridge-rule.json", call -> assertBatchJoined(response(call), BATCH_CLIENTS)),
            Map.entry("batch-scheduler.json", call -> assertBatchJoined(response(call), BATCH_CLIENTS)),
            Map.entry("batch-stepfunctions.json", call -> assertBatchJoined(response(call), BATCH_CLIENTS)),
            Map.entry("batch-itembatcher.json", call -> assertBatchJoined(response(call), BATCH_CLIENTS)),
            Map.entry("http-api.json", call -> assertHttpJoined(response(call), HTTP_CLIENT)),
            Map.entry("rest-api.json", call -> assertHttpJoined(response(call), HTTP_CLIENT)),
            Map.entry(JWT_SAMPLE, call -> {
                JsonNode answer = response(call);
                assertThat(answer.path("statusCode").asInt()).as("a JWT caller, the function in IAM mode")
                        .isEqualTo(401);
                assertThat(body(answer).path("error").asText()).isEqualTo("Unauthenticated");
            }),
            Map.entry("eventbridge-rule.json", call -> assertJoined(response(call), CLIENT)),
            Map.entry("scheduler.json", call -> assertJoined(response(call), CLIENT)),
            Map.entry("stepfunctions.json", call -> assertJoined(response(call), CLIENT)),
            Map.entry("invalid-http-api.json", call -> {
                JsonNode answer = response(call);
                assertThat(answer.path("statusCode").asInt()).isEqualTo(400);
                JsonNode body = body(answer);
                assertThat(body.path("error").asText()).isEqualTo("InvalidRequest");
                assertThat(texts(body.path("problems"))).satisfiesExactly(
                        p -> assertThat(p).startsWith("channelArn: "),
                        p -> assertThat(p).startsWith("clientId: "));
                assertThat(body.path("requestId").asText()).isEqualTo(call.invocation().requestId());
            }),
            Map.entry("invalid-stepfunctions.json", call -> {
                JsonNode error = parse(call.invocation().error().body());
                assertThat(error.path("errorType").asText()).isEqualTo("dev.kvsjoin.errors.InvalidRequestException");
                assertThat(error.path("errorMessage").asText()).contains("clientId: is required");
            }));

    static final FunctionProcess.Credentials CREDENTIALS = FunctionProcess.Credentials.fake();
    @RegisterExtension
    static final FunctionUnderTest local = new FunctionUnderTest(WAIT, builder -> builder.credentials(CREDENTIALS));

    @BeforeEach
    void knownChannels() {
        local.kvs().reset();
        local.kvs().addChannel(CHANNEL);
        local.kvs().addChannel(CACHE_CHANNEL);
    }

    static Stream<String> sampleEvents() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "events/{0}")
    @MethodSource("sampleEvents")
    void sampleEvent_whenRunThroughRuntimeClient_answersAsDocumented(String file) throws IOException {
        assertThat(EXPECTED).as("the documented outcome of events/" + file + " (add it to EXPECTED)")
                .containsKey(file);

        FunctionProcess.Call call = local.function().invoke(Files.readAllBytes(EVENTS.resolve(file)), WAIT);

        EXPECTED.get(file).accept(call);
        boolean batch = file.startsWith("batch-");
        assertLogged(call, batch ? BATCH_CLIENTS.size() + 1 : 1);
        assertNoSecrets(call);
        List<List<EmfValidator.Datum>> lines = metricLines(call);
        boolean joined = !file.startsWith("invalid-") && !file.equals(JWT_SAMPLE);
        // A batch writes a line per item (its outcome's metrics), then its summary (the invocation's metrics).
        int outcomes = batch ? lines.size() - 1 : 1;
        assertThat(lines.subList(0, outcomes)).allSatisfy(item -> {
            assertThat(JoinHandlerMetricsTest.value(item, "Joined", Map.of())).isEqualTo(joined ? 1 : 0);
            assertThat(JoinHandlerMetricsTest.value(item, "Failed", Map.of())).isEqualTo(joined ? 0 : 1);
        });
        List<EmfValidator.Datum> invocationLine = lines.get(lines.size() - 1);
        assertThat(JoinHandlerMetricsTest.value(invocationLine, "ErrorsRaised", Map.of()))
                .isEqualTo(call.invocation().answer() instanceof Invocation.Error ? 1 : 0);
        if (batch) {
            assertThat(JoinHandlerMetricsTest.value(invocationLine, "BatchItems", Map.of())).isEqualTo(outcomes);
        }
        List<Recorded> requests = local.kvs().requests();
        if (file.startsWith("invalid-") || file.equals(JWT_SAMPLE)) {
            assertThat(requests).as("validation and authentication happen before any AWS call").isEmpty();
        } else if (batch) {
            assertBatchLookupAndJoins(requests, file.equals("batch-http-api.json") ? HTTP_BATCH_CLIENTS
                    : BATCH_CLIENTS);
        } else {
            assertLookupThenJoin(requests, CHANNEL);
        }
    }

    @Test
    void invalidStepFunctionsEvent_whenRejected_raisesErrorWithoutInternals() throws IOException {
        FunctionProcess.Call call = local.function().invoke(
                Files.readAllBytes(EVENTS.resolve("invalid-stepfunctions.json")), WAIT);

        Invocation.Error error = call.invocation().error();
        JsonNode body = JSON.readTree(error.body());
        assertThat(body.path("errorType").asText()).isEqualTo("dev.kvsjoin.errors.InvalidRequestException");
        assertThat(body.path("errorMessage").asText()).contains("clientId");
        assertThat(body.path("stackTrace")).as("stack trace sent to the caller").isEmpty();
        for (String sent : List.of(error.body(), error.xrayErrorCause())) {
            assertThat(sent).doesNotContain("at dev.kvsjoin", "software.amazon.awssdk", "java.base/");
        }
    }

    @Test
    void join_whenSameChannelTwice_looksUpEndpointOnceThenUsesCache() throws IOException {
        byte[] event = request(CACHE_CHANNEL, "viewer-cache");

        FunctionProcess.Call first = local.function().invoke(event, WAIT);
        FunctionProcess.Call second = local.function().invoke(event, WAIT);

        assertThat(JSON.readTree(first.invocation().responseBody()).path("attempts").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(second.invocation().responseBody()).path("attempts").asInt()).isEqualTo(1);
        assertThat(local.kvs().requests()).extracting(Recorded::operation, Recorded::listener).containsExactly(
                tuple(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Listener.CONTROL),
                tuple(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Listener.WEBRTC),
                tuple(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Listener.WEBRTC));
        assertThat(functionLine(first).path("endpoint_cached").asBoolean()).isFalse();
        assertThat(functionLine(second).path("endpoint_cached").asBoolean()).isTrue();
        assertThat(functionLine(second).path("cold_start").asBoolean()).isFalse();
    }

    @Test
    void httpApi_whenJoinDenied_returns403AndLogsWarning() throws IOException {
        local.kvs().failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.ACCESS_DENIED));

        FunctionProcess.Call call = local.function().invoke(Files.readAllBytes(EVENTS.resolve("http-api.json")), WAIT);

        JsonNode answer = JSON.readTree(call.invocation().responseBody());
        assertThat(answer.path("statusCode").asInt()).isEqualTo(403);
        assertThat(body(answer).path("error").asText()).isEqualTo("AccessDenied");
        JsonNode line = functionLine(call);
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("aws_error_code").asText()).isEqualTo("AccessDeniedException");
        assertThat(JoinHandlerMetricsTest.value(metrics(call), "Failed", Map.of("error_code", "AccessDenied")))
                .isEqualTo(1);
        assertThat(local.kvs().requests()).filteredOn(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER)
                .as("an access denial is not retried").hasSize(1);
        assertLogged(call);
        assertNoSecrets(call);
    }

    @Test
    void stepFunctions_whenThrottledOnEveryAttempt_raisesThrottledException() throws IOException {
        for (int i = 0; i < 3; i++) {
            local.kvs().failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER,
                    Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        }

        FunctionProcess.Call call = local.function().invoke(Files.readAllBytes(EVENTS.resolve("stepfunctions.json")),
                WAIT);

        JsonNode body = JSON.readTree(call.invocation().error().body());
        assertThat(body.path("errorType").asText()).isEqualTo("dev.kvsjoin.errors.ThrottledException");
        assertThat(body.path("stackTrace")).isEmpty();
        assertThat(local.kvs().requests()).filteredOn(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER)
                .as("JOIN_MAX_ATTEMPTS in template.yaml").hasSize(3);
        assertThat(functionLine(call).path("attempts").asInt()).isGreaterThanOrEqualTo(3);
        List<EmfValidator.Datum> metrics = metrics(call);
        assertThat(JoinHandlerMetricsTest.value(metrics, "Failed", Map.of("error_code", "Throttled"))).isEqualTo(1);
        assertThat(JoinHandlerMetricsTest.value(metrics, "JoinAttempts", Map.of())).isGreaterThanOrEqualTo(3);
        assertThat(JoinHandlerMetricsTest.value(metrics, "ErrorsRaised", Map.of())).isEqualTo(1);
        assertLogged(call);
        assertNoSecrets(call);
    }

    @Test
    void jwtMode_whenTheCallerMayJoin_joinsAndOtherwiseRefusesBeforeAnyCall() throws IOException {
        byte[] allowed = Files.readAllBytes(EVENTS.resolve(JWT_SAMPLE));
        JsonNode event = parse(new String(allowed, java.nio.charset.StandardCharsets.UTF_8));
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("body",
                new String(request(CHANNEL, "9b2e4c1a-77d0-4f3e-b1a8-5c6d7e8f9a0b.phone"),
                        java.nio.charset.StandardCharsets.UTF_8));
        byte[] anotherCallersClient = JSON.writeValueAsBytes(event);
        try (FunctionProcess jwt = FunctionProcess.builder()
                .kinesisVideoEndpoint(local.kvs().controlEndpoint())
                .credentials(CREDENTIALS)
                .environment("API_AUTH", "jwt")
                .start()) {

            FunctionProcess.Call joined = jwt.invoke(allowed, WAIT);
            List<Recorded> joinRequests = local.kvs().requests();
            local.kvs().reset();
            local.kvs().addChannel(CHANNEL);
            FunctionProcess.Call refused = jwt.invoke(anotherCallersClient, WAIT);

            JsonNode ok = response(joined);
            assertThat(ok.path("statusCode").asInt()).isEqualTo(200);
            assertThat(body(ok).path("clientId").asText()).isEqualTo(JWT_SUBJECT + ".phone");
            assertLookupThenJoin(joinRequests, CHANNEL);
            assertThat(functionLine(joined).path("caller").asText()).isEqualTo(JWT_SUBJECT);
            assertThat(functionLine(joined).path("auth_rule").asText()).isEqualTo("claim kvs_channels");
            JsonNode no = response(refused);
            assertThat(no.path("statusCode").asInt()).isEqualTo(403);
            assertThat(body(no).path("error").asText()).isEqualTo("NotAuthorized");
            assertThat(body(no).path("message").asText()).endsWith("(rule: client id binding prefix)");
            assertThat(local.kvs().requests()).as("a refused join makes no call").isEmpty();
            assertThat(functionLine(refused).path("auth_rule").asText()).isEqualTo("client id binding prefix");
            for (FunctionProcess.Call call : List.of(joined, refused)) {
                assertLogged(call);
                assertNoSecrets(call);
                assertThat(String.join("\n", call.stdout())).doesNotContain("Bearer").doesNotContain("eyJ")
                        .doesNotContain("kvs_channels\":");
            }
            assertThat(jwt.violations()).isEmpty();
            assertThat(jwt.stderr()).isEmpty();
        }
    }

    @Test
    void snapStart_whenRestored_joinsWithContainerCredentials() throws IOException {
        FunctionProcess.Credentials credentials = FunctionProcess.Credentials.fake();
        try (FunctionProcess snapStart = FunctionProcess.builder()
                .kinesisVideoEndpoint(local.kvs().controlEndpoint())
                .credentials(credentials)
                .initType(FunctionProcess.InitType.SNAP_START)
                .start()) {

            FunctionProcess.Call call = snapStart.invoke(
                    Files.readAllBytes(EVENTS.resolve("stepfunctions.json")), WAIT);

            assertJoined(JSON.readTree(call.invocation().responseBody()), CLIENT);
            assertThat(snapStart.runtimeApi().restoredNanos()).as("the runtime asked to be restored").isPresent();
            assertThat(snapStart.credentialsServed()).isPositive();
            assertThat(local.kvs().requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("authorization"))
                    .hasValueSatisfying(a -> assertThat(a).contains("Credential=" + credentials.accessKeyId() + "/")));
            assertThat(snapStart.environment()).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
            assertThat(snapStart.violations()).isEmpty();
            assertThat(snapStart.stderr()).isEmpty();
        }
    }

    @Test
    void init_whenConfigurationInvalid_failsInitNamingTheVariable() throws IOException {
        try (FunctionProcess broken = FunctionProcess.builder()
                .kinesisVideoEndpoint(local.kvs().controlEndpoint())
                .environment("JOIN_MAX_ATTEMPTS", "lots")
                .start()) {

            FunctionProcess.Call call = broken.invoke(Files.readAllBytes(EVENTS.resolve("stepfunctions.json")), WAIT);

            assertThat(call.invocation().answer()).isInstanceOf(Invocation.Abandoned.class);
            assertThat(broken.runtimeApi().initError()).hasValueSatisfying(error -> {
                assertThat(error.errorType()).isEqualTo("Runtime.BadFunctionCode");
                JsonNode body = parse(error.body());
                assertThat(body.path("errorType").asText()).isEqualTo("dev.kvsjoin.config.ConfigurationException");
                assertThat(body.path("errorMessage").asText()).contains("JOIN_MAX_ATTEMPTS").doesNotContain("lots");
            });
            assertThat(broken.stdout()).allSatisfy(line -> assertThat(parse(line).isObject()).isTrue());
            assertThat(local.kvs().requests()).isEmpty();
        }
    }

    private static void assertHttpJoined(JsonNode answer, String clientId) {
        assertThat(answer.path("statusCode").asInt()).isEqualTo(200);
        assertThat(answer.path("headers").path("content-type").asText()).isEqualTo("application/json");
        assertJoined(body(answer), clientId);
    }

    private static void assertJoined(JsonNode result, String clientId) {
        assertThat(result.path("channelArn").asText()).isEqualTo(CHANNEL);
        assertThat(result.path("clientId").asText()).isEqualTo(clientId);
        assertThat(result.path("endpoint").asText()).isEqualTo(local.kvs().webrtcEndpoint().toString());
        assertThat(result.path("attempts").asInt()).isBetween(1, 2);
        assertThat(result.path("durationMs").isIntegralNumber()).isTrue();
    }

    /** The batch result of the batch-*.json samples: every item joined on {@link #CHANNEL}, counted. */
    private static void assertBatchJoined(JsonNode result, List<String> clients) {
        JsonNode joins = result.path("joins");
        assertThat(joins).hasSize(clients.size());
        for (int i = 0; i < clients.size(); i++) {
            JsonNode join = joins.get(i);
            assertThat(join.path("index").asInt()).isEqualTo(i);
            assertThat(join.path("outcome").asText()).isEqualTo("joined");
            assertThat(join.path("channelArn").asText()).isEqualTo(CHANNEL);
            assertThat(join.path("clientId").asText()).isEqualTo(clients.get(i));
            assertThat(join.path("endpoint").asText()).isEqualTo(local.kvs().webrtcEndpoint().toString());
        }
        assertThat(result.path("counts").path("Joined").asInt()).isEqualTo(clients.size());
        assertThat(result.path("counts")).hasSize(1);
        assertThat(result.path("joined").asInt()).isEqualTo(clients.size());
        assertThat(result.path("failed").asInt()).isZero();
        assertThat(result.path("retryable").asInt()).isZero();
        assertThat(result.path("durationMs").isIntegralNumber()).isTrue();
    }

    /** At most one lookup for the channel the items share (none if cached), then one join per item. */
    private static void assertBatchLookupAndJoins(List<Recorded> requests, List<String> clients) throws IOException {
        assertThat(requests.stream().filter(r -> r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT))
                .hasSizeLessThanOrEqualTo(1);
        List<String> joined = new ArrayList<>();
        for (Recorded request : requests) {
            if (request.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER) {
                JsonNode join = JSON.readTree(request.body());
                assertThat(join.path("channelArn").asText()).isEqualTo(CHANNEL);
                joined.add(join.path("clientId").asText());
            }
        }
        assertThat(joined).containsExactlyInAnyOrderElementsOf(clients);
    }

    /** A lookup on the control listener unless the endpoint was cached, then one join on the WEBRTC listener. */
    private static void assertLookupThenJoin(List<Recorded> requests, String channel) throws IOException {
        List<Recorded> joins = requests.stream()
                .filter(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER).toList();
        List<Recorded> lookups = requests.stream()
                .filter(r -> r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT).toList();
        assertThat(lookups).hasSizeLessThanOrEqualTo(1).allSatisfy(r -> assertThat(r.listener())
                .isEqualTo(Listener.CONTROL));
        assertThat(joins).singleElement().satisfies(r -> assertThat(r.listener()).isEqualTo(Listener.WEBRTC));
        assertThat(requests.get(requests.size() - 1)).isSameAs(joins.get(0));
        JsonNode join = JSON.readTree(joins.get(0).body());
        assertThat(join.path("channelArn").asText()).isEqualTo(channel);
        assertThat(requests).allSatisfy(r -> assertThat(r.header("authorization"))
                .hasValueSatisfying(a -> assertThat(a).contains("Credential=" + CREDENTIALS.accessKeyId() + "/")));
    }

    /**
     * Every line on standard output is a JSON object carrying the request id: the function's own lines as
     * {@code function_request_id}, the runtime client's (the error it reports) as {@code AWSRequestId}.
     */
    private static void assertLogged(FunctionProcess.Call call) {
        assertLogged(call, 1);
    }

    /** As {@link #assertLogged(FunctionProcess.Call)}, with {@code functionLines} lines of the function's own. */
    private static void assertLogged(FunctionProcess.Call call, int functionLines) {
        String requestId = call.invocation().requestId();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : call.stdout()) {
            JsonNode node = parse(line);
            assertThat(node.isObject()).as("log line is a JSON object: %s", line).isTrue();
            assertThat(node.path("function_request_id").asText(node.path("AWSRequestId").asText()))
                    .as("request id of %s", line).isEqualTo(requestId);
            lines.add(node);
        }
        assertThat(lines).filteredOn(l -> l.has("function_request_id")).hasSize(functionLines)
                .allSatisfy(l -> assertThat(l.path("xray_trace_id").asText()).isEqualTo(call.invocation().traceId()));
    }

    /**
     * The metrics of the invocation's function line, exactly as the runtime client wrote it to standard output (the
     * log event): a valid embedded metric format document under the template's namespace, with the local stack name
     * as its service.
     */
    /** The metrics of each of the invocation's function lines, in order. */
    private static List<List<EmfValidator.Datum>> metricLines(FunctionProcess.Call call) {
        List<String> lines = call.stdout().stream().filter(l -> parse(l).has("function_request_id")).toList();
        assertThat(lines).as("function log lines in %s", call.stdout()).isNotEmpty();
        return lines.stream().map(EndToEndTest::metrics).toList();
    }

    private static List<EmfValidator.Datum> metrics(FunctionProcess.Call call) {
        return metrics(call.stdout().stream().filter(l -> parse(l).has("function_request_id")).findFirst()
                .orElseThrow(() -> new AssertionError("no function log line in " + call.stdout())));
    }

    private static List<EmfValidator.Datum> metrics(String line) {
        EmfValidator.assertWithinOlderLimits(line);
        List<EmfValidator.Datum> data = EmfValidator.data(EmfValidator.assertValid(line));
        assertThat(data).isNotEmpty().allSatisfy(d -> {
            assertThat(d.namespace()).isEqualTo(local.function().function().environment()
                    .get("POWERTOOLS_METRICS_NAMESPACE"));
            assertThat(d.dimensions()).containsEntry("service", FunctionTemplate.LOCAL_STACK_NAME);
        });
        JoinHandlerMetricsTest.assertDeclared(data);
        return data;
    }

    private static void assertNoSecrets(FunctionProcess.Call call) {
        List<String> everything = new ArrayList<>(call.stdout());
        everything.addAll(call.stderr());
        everything.add(call.invocation().answer().toString());
        for (String text : everything) {
            assertThat(text).doesNotContain(CREDENTIALS.secretAccessKey(), CREDENTIALS.sessionToken());
        }
    }

    private static JsonNode functionLine(FunctionProcess.Call call) {
        return call.stdout().stream().map(EndToEndTest::parse).filter(l -> l.has("function_request_id"))
                .findFirst().orElseThrow(() -> new AssertionError("no function log line in " + call.stdout()));
    }

    /** The response document; fails, naming what came instead, when the function did not answer normally. */
    private static JsonNode response(FunctionProcess.Call call) {
        return parse(call.invocation().responseBody());
    }

    private static JsonNode body(JsonNode proxyResponse) {
        assertThat(proxyResponse.path("isBase64Encoded").asBoolean()).isFalse();
        return parse(proxyResponse.path("body").asText());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static byte[] request(String channelArn, String clientId) {
        try {
            return JSON.writeValueAsBytes(Map.of("channelArn", channelArn, "clientId", clientId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
