package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.event;
import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.AccessDeniedException;
import dev.kvsjoin.errors.InvalidArgumentException;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.errors.ResourceNotFoundException;
import dev.kvsjoin.errors.ThrottledException;
import dev.kvsjoin.errors.UpstreamErrorException;
import dev.kvsjoin.errors.UpstreamUnavailableException;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.Listener;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The handler with the real SDK clients, talking HTTP to a local endpoint that behaves like Kinesis Video. */
class JoinHandlerIntegrationTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final String OTHER_REGION_ARN = "arn:aws:kinesisvideo:eu-central-1:123456789012:channel/yard/1700000000001";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
    static final ObjectMapper JSON = new ObjectMapper();

    private LocalKinesisVideo kvs;
    private JoinHandler handler;
    private final List<String> logLines = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
        kvs.addChannel(OTHER_REGION_ARN);
        // The join path, whoever calls: client id binding is AuthorizationTest's.
        handler = handler(Map.of("JOIN_READ_TIMEOUT_MS", "500", "JOIN_CONNECT_TIMEOUT_MS", "500",
                "CLIENT_ID_BINDING", "none"));
    }

    private JoinHandler handler(Map<String, String> env) {
        return LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDEXAMPLE", SECRET, TOKEN)),
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        kvs.close();
    }

    private byte[] invoke(byte[] event) throws IOException {
        return invoke(event, TestContext.of("req-" + logLines.size()));
    }

    private byte[] invoke(byte[] event, TestContext context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, context);
        return out.toByteArray();
    }

    private static byte[] request(String arn, String clientId) {
        return utf8("{\"channelArn\":\"" + arn + "\",\"clientId\":\"" + clientId + "\"}");
    }

    private static byte[] httpApi(byte[] body) {
        return utf8("""
                {"version":"2.0","routeKey":"POST /join","rawPath":"/join","headers":{"content-type":"application/json"},
                 "requestContext":{"http":{"method":"POST","path":"/join"},"requestId":"abc",
                  "authorizer":{"iam":{"userId":"AIDACKCEVSQ6C2EXAMPLE",
                  "userArn":"arn:aws:iam::123456789012:user/app"}}},
                 "body":"%s","isBase64Encoded":true}""".formatted(Base64.getEncoder().encodeToString(body)));
    }

    private JsonNode httpResponse(byte[] event) throws IOException {
        return JSON.readTree(invoke(httpApi(event)));
    }

    private JsonNode lastLog() throws IOException {
        return JSON.readTree(logLines.get(logLines.size() - 1));
    }

    private List<Operation> calls() {
        return kvs.requests().stream().map(Recorded::operation).toList();
    }

    @Test
    void httpApi_whenChannelExists_joinsThroughHandedOffEndpointAndAnswers200() throws IOException {
        JsonNode response = httpResponse(request(ARN, "viewer-1"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        assertThat(response.get("headers").get("content-type").asText()).isEqualTo("application/json");
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertThat(body.get("channelArn").asText()).isEqualTo(ARN);
        assertThat(body.get("clientId").asText()).isEqualTo("viewer-1");
        assertThat(body.get("endpoint").asText()).isEqualTo(kvs.webrtcEndpoint().toString());
        assertThat(body.get("attempts").asInt()).isEqualTo(2);

        assertThat(kvs.violations()).isEmpty();
        List<Recorded> requests = kvs.requests();
        assertThat(requests).extracting(Recorded::operation)
                .containsExactly(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Operation.JOIN_STORAGE_SESSION_AS_VIEWER);
        assertThat(requests.get(1).listener()).isEqualTo(Listener.WEBRTC);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.region()).isEqualTo("us-west-2");
            assertThat(r.header("authorization")).get().asString()
                    .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-west-2/kinesisvideo/aws4_request");
        });
        assertThat(JSON.readTree(requests.get(0).body()).get("SingleMasterChannelEndpointConfiguration").toString())
                .contains("WEBRTC").contains("VIEWER");
        assertThat(JSON.readTree(requests.get(1).body()))
                .isEqualTo(JSON.readTree(request(ARN, "viewer-1")));
    }

    @Test
    void join_whenSameChannelAgain_reusesCachedEndpoint() throws IOException {
        invoke(request(ARN, "viewer-1"));
        byte[] second = invoke(request(ARN, "viewer-2"));

        assertThat(calls()).containsExactly(Operation.GET_SIGNALING_CHANNEL_ENDPOINT,
                Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Operation.JOIN_STORAGE_SESSION_AS_VIEWER);
        assertThat(JSON.readTree(second).get("attempts").asInt()).isEqualTo(1);
        JsonNode log = lastLog();
        assertThat(log.get("endpoint_cached").asBoolean()).isTrue();
        assertThat(log.get("cold_start").asBoolean()).isFalse();
        assertThat(JSON.readTree(logLines.get(0)).get("cold_start").asBoolean()).isTrue();
    }

    @Test
    void join_whenChannelInAnotherRegion_signsBothCallsForThatRegion() throws IOException {
        invoke(request(OTHER_REGION_ARN, "viewer-1"));

        assertThat(kvs.violations()).isEmpty();
        assertThat(kvs.requests()).hasSize(2).allSatisfy(r -> assertThat(r.region()).isEqualTo("eu-central-1"));
    }

    @Test
    void stepFunctions_whenJoined_returnsResultObject() throws IOException {
        JsonNode result = JSON.readTree(invoke(request(ARN, "viewer-1")));

        assertThat(result.get("channelArn").asText()).isEqualTo(ARN);
        assertThat(result.get("clientId").asText()).isEqualTo("viewer-1");
        assertThat(result.get("endpoint").asText()).isEqualTo(kvs.webrtcEndpoint().toString());
        assertThat(result.get("attempts").asInt()).isEqualTo(2);
        assertThat(result.has("durationMs")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "INVALID_ARGUMENT,   400, InvalidArgument",
        "ACCESS_DENIED,      403, AccessDenied",
        "RESOURCE_NOT_FOUND, 404, ResourceNotFound",
    })
    void httpApi_whenJoinFailsWithModeledError_mapsStatusAndCode(ServiceError error, int status, String code)
            throws IOException {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(error, "said by the service"));

        JsonNode response = httpResponse(request(ARN, "viewer-1"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).endsWith(": said by the service");
        assertThat(body.get("requestId").asText()).startsWith("req-");
        assertThat(response.toString()).doesNotContain("Exception").doesNotContain("software.amazon");
        assertThat(calls()).hasSize(2);
        assertThat(lastLog().get("aws_error_code").asText()).isEqualTo(error.type());
    }

    @Test
    void stepFunctions_whenModeledErrors_throwOneStableErrorPerReason() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> invoke(request(ARN, "viewer-1"))).isExactlyInstanceOf(InvalidArgumentException.class);

        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.ACCESS_DENIED));
        assertThatThrownBy(() -> invoke(request(ARN, "viewer-1"))).isExactlyInstanceOf(AccessDeniedException.class);

        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.error(ServiceError.ACCESS_DENIED));
        assertThatThrownBy(() -> invoke(request(ARN, "viewer-1")))
                .isExactlyInstanceOf(AccessDeniedException.class)
                .hasMessageStartingWith("the function is not allowed to call Kinesis Video on this channel")
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void join_whenChannelUnknown_answers404FromTheLookup() throws IOException {
        String unknown = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/gone/1";

        assertThat(httpResponse(request(unknown, "v")).get("statusCode").asInt()).isEqualTo(404);
        assertThatThrownBy(() -> invoke(request(unknown, "v"))).isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThat(calls()).containsOnly(Operation.GET_SIGNALING_CHANNEL_ENDPOINT);
    }

    @Test
    void join_whenThrottledOnce_retriesAndJoins() throws IOException {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));

        JsonNode result = JSON.readTree(invoke(request(ARN, "viewer-1")));

        assertThat(result.get("attempts").asInt()).isEqualTo(3);
        assertThat(calls()).containsExactly(Operation.GET_SIGNALING_CHANNEL_ENDPOINT,
                Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Operation.JOIN_STORAGE_SESSION_AS_VIEWER);
    }

    @Test
    void join_whenThrottledOnEveryAttempt_answers429WithRetryAfterAndKeepsEndpoint() throws IOException {
        for (int i = 0; i < 3; i++) {
            kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        }

        JsonNode response = httpResponse(request(ARN, "viewer-1"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(429);
        assertThat(response.get("headers").get("retry-after").asText()).isEqualTo("1");
        assertThat(JSON.readTree(response.get("body").asText()).get("error").asText()).isEqualTo("Throttled");
        assertThat(lastLog().get("attempts").asInt()).isEqualTo(4);
        assertThat(lastLog().get("level").asText()).isEqualTo("WARN");

        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        assertThatThrownBy(() -> invoke(request(ARN, "viewer-1"))).isExactlyInstanceOf(ThrottledException.class);
        assertThat(calls()).filteredOn(op -> op == Operation.GET_SIGNALING_CHANNEL_ENDPOINT).hasSize(1);
    }

    @Test
    void join_whenServerErrorOnce_retriesAndJoins() throws IOException {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.INTERNAL_FAILURE));

        assertThat(JSON.readTree(invoke(request(ARN, "viewer-1"))).get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void join_whenServerErrorsPersist_answers503AndLooksTheEndpointUpAgainNextTime() throws IOException {
        for (int i = 0; i < 3; i++) {
            kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.SERVICE_UNAVAILABLE));
        }

        JsonNode response = httpResponse(request(ARN, "viewer-1"));
        assertThat(response.get("statusCode").asInt()).isEqualTo(503);
        assertThat(response.get("headers").get("retry-after").asText()).isEqualTo("1");

        invoke(request(ARN, "viewer-1"));
        assertThat(calls()).filteredOn(op -> op == Operation.GET_SIGNALING_CHANNEL_ENDPOINT).hasSize(2);
    }

    @Test
    void join_whenConnectionDropped_retriesAndJoins() throws IOException {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.drop());

        assertThat(JSON.readTree(invoke(request(ARN, "viewer-1"))).get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void join_whenEveryAnswerTooSlow_failsAsUnavailable() {
        for (int i = 0; i < 3; i++) {
            kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.delay(Duration.ofSeconds(2)));
        }

        assertThatThrownBy(() -> invoke(request(ARN, "viewer-1")))
                .isExactlyInstanceOf(UpstreamUnavailableException.class)
                .hasMessageContaining("retry later");
    }

    @Test
    void join_whenInvocationNearlyOutOfTime_stopsWithinTheRemainingTime() {
        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.delay(Duration.ofSeconds(5)));
        JoinHandler patient = handler(Map.of("JOIN_READ_TIMEOUT_MS", "10000"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> patient.handleRequest(new ByteArrayInputStream(request(ARN, "v")),
                new ByteArrayOutputStream(), new TestContext("r", 700)))
                .isExactlyInstanceOf(UpstreamUnavailableException.class)
                .hasMessage("Kinesis Video did not answer in time; retry later");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_000));
    }

    @Test
    void join_whenNoTimeLeft_makesNoCall() {
        assertThatThrownBy(() -> invoke(request(ARN, "v"), new TestContext("r", 200)))
                .isExactlyInstanceOf(UpstreamUnavailableException.class);
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void join_whenLookupListsNoWebrtcEndpoint_answers502() throws IOException {
        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.noWebrtcEndpoint());

        JsonNode response = httpResponse(request(ARN, "viewer-1"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(502);
        assertThat(calls()).containsExactly(Operation.GET_SIGNALING_CHANNEL_ENDPOINT);
        assertThatThrownBy(() -> {
            kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.noWebrtcEndpoint());
            invoke(request(ARN, "viewer-1"));
        }).isExactlyInstanceOf(UpstreamErrorException.class);
    }

    @Test
    void httpApi_whenRequestInvalid_answers400ListingEveryProblemWithoutCalling() throws IOException {
        JsonNode response = httpResponse(utf8("{\"channelArn\":\"arn:nope\",\"clientId\":\"bad id\"}"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertThat(body.get("error").asText()).isEqualTo("InvalidRequest");
        assertThat(body.get("problems")).hasSize(2);
        assertThat(body.get("problems").get(0).asText()).startsWith("channelArn:");
        assertThat(body.get("problems").get(1).asText()).startsWith("clientId:");
        assertThat(kvs.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "apigw-http-v2.java-libs-tests.json",
        "apigw-http-v2.samcli.FILLED.json",
        "apigw-rest-v1-proxy.samcli.FILLED.json",
    })
    void apiGatewayPostSamples_whenBodyIsNotARequest_answer400(String file) throws IOException {
        JsonNode response = JSON.readTree(invoke(Callers.iam(event(file))));

        assertThat(response.get("statusCode").asInt()).isEqualTo(400);
        assertThat(response.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(JSON.readTree(response.get("body").asText()).get("problems").get(0).asText())
                .matches("(body|channelArn): .*");
        assertThat(kvs.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "apigw-http-v2-iam-authorizer.powertools-python.json",
        "apigw-http-v2.awsdocs-capture.json",
        "apigw-http-v2.samcli.TEMPLATE.json",
        "apigw-rest-v1-proxy.awsdocs-capture.json",
        "apigw-rest-v1-proxy.java-libs-tests.json",
        "apigw-rest-v1-proxy.samcli.TEMPLATE.json",
    })
    void apiGatewaySamples_whenMethodIsNotPost_answer405AllowingPost(String file) throws IOException {
        JsonNode response = JSON.readTree(invoke(Callers.iam(event(file))));

        assertThat(response.get("statusCode").asInt()).isEqualTo(405);
        assertThat(response.get("headers").get("allow").asText()).isEqualTo("POST");
        assertThat(response.get("headers").get("content-type").asText()).isEqualTo("application/json");
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertThat(body.get("error").asText()).isEqualTo("MethodNotAllowed");
        assertThat(body.get("requestId").asText()).startsWith("req-");
        assertThat(kvs.requests()).isEmpty();
        assertThat(lastLog().get("error_code").asText()).isEqualTo("MethodNotAllowed");
        assertThat(lastLog().get("http_status").asInt()).isEqualTo(405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "post"})
    void httpApiAndRest_whenValidBodyComesWithAnotherMethod_answer405WithoutJoining(String method)
            throws IOException {
        String body = JSON.writeValueAsString(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8));
        byte[] httpApi = utf8("""
                {"version":"2.0","routeKey":"ANY /join","rawPath":"/join",
                 "requestContext":{"http":{"method":"%s","path":"/join"}},"body":%s,"isBase64Encoded":false}"""
                .formatted(method, body));
        byte[] rest = utf8("""
                {"resource":"/join","path":"/join","httpMethod":"%s","requestContext":{"httpMethod":"%s"},
                 "body":%s,"isBase64Encoded":false}""".formatted(method, method, body));

        for (byte[] event : List.of(httpApi, rest)) {
            JsonNode response = JSON.readTree(invoke(Callers.iam(event)));

            assertThat(response.get("statusCode").asInt()).isEqualTo(405);
            assertThat(response.get("headers").get("allow").asText()).isEqualTo("POST");
        }
        assertThat(kvs.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "eventbridge-rule-scheduled-event-with-detail.powertools-java.json",
        "eventbridge-rule-scheduled-event.java-libs-tests.json",
        "eventbridge-rule-scheduled-event.samcli.FILLED.json",
        "eventbridge-rule-scheduled-event.samcli.TEMPLATE.json",
        "eventbridge-scheduler-default-payload.dotnet-issue-1864.json",
        "stepfunctions-error-output.samcli.FILLED.json",
        "stepfunctions-error-output.samcli.TEMPLATE.json",
    })
    void asynchronousAndTaskSamples_whenNotARequest_throwInvalidRequestNamingFields(String file) {
        assertThatThrownBy(() -> invoke(event(file)))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("channelArn: is required")
                .hasMessageContaining("clientId: is required");
        assertThat(kvs.requests()).isEmpty();
    }

    private JsonNode problemsOf(JsonNode proxyResponse) throws IOException {
        assertThat(proxyResponse.get("statusCode").asInt()).isEqualTo(400);
        return JSON.readTree(proxyResponse.get("body").asText()).get("problems");
    }

    @Test
    void httpApi_whenBase64BodyHasOverlongUtf8_answers400NamingBodyInsteadOfJoining() throws IOException {
        // "probe-" + C1 A1 C1 A1: read leniently, "probe-aa", a valid client id
        byte[] head = utf8("{\"channelArn\":\"" + ARN + "\",\"clientId\":\"probe-");
        byte[] body = new byte[head.length + 6];
        System.arraycopy(head, 0, body, 0, head.length);
        byte[] tail = {(byte) 0xC1, (byte) 0xA1, (byte) 0xC1, (byte) 0xA1, '"', '}'};
        System.arraycopy(tail, 0, body, head.length, tail.length);

        JsonNode problems = problemsOf(httpResponse(body));

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).asText()).startsWith("body: is not valid UTF-8 (malformed byte sequence at byte "
                + head.length + ")");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void httpApi_whenBodyRepeatsAKey_answers400InsteadOfTakingTheLast() throws IOException {
        JsonNode problems = problemsOf(httpResponse(utf8(
                "{\"channelArn\":\"" + ARN + "\",\"clientId\":\"no way\",\"clientId\":\"viewer-1\"}")));

        assertThat(problems.get(0).asText()).startsWith("body: has a duplicate key (line 1, column ");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void httpApi_whenBase64FlagIsAString_answers400NamingIt() throws IOException {
        String body = JSON.writeValueAsString(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8));
        byte[] event = utf8("""
                {"version":"2.0","routeKey":"POST /join","requestContext":{"http":{"method":"POST"}},
                 "body":%s,"isBase64Encoded":"true"}""".formatted(body));

        JsonNode problems = problemsOf(JSON.readTree(invoke(Callers.iam(event))));

        assertThat(problems.get(0).asText())
                .isEqualTo("isBase64Encoded: must be true or false (received a string of 4 characters)");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void httpApi_whenEventLacksRequestContext_answers400AsAProxyResponse() throws IOException {
        String body = JSON.writeValueAsString(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8));
        byte[] event = utf8("""
                {"version":"2.0","routeKey":"POST /join","rawPath":"/join","body":%s,"isBase64Encoded":false}"""
                .formatted(body));

        JsonNode problems = problemsOf(JSON.readTree(invoke(event)));

        assertThat(problems.get(1).asText()).isEqualTo("requestContext: is required");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void stepFunctions_whenInputAlsoCarriesRequestContext_throwsInvalidRequestInsteadOfAProxyResponse() {
        byte[] input = utf8(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8)
                .replace("}", ",\"requestContext\":{\"http\":{\"method\":\"POST\"}}}"));

        assertThatThrownBy(() -> invoke(input))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("event: has fields of an API Gateway or EventBridge envelope (requestContext)");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void stepFunctions_whenClientIdIs256Emoji_countsCharacters() {
        assertThatThrownBy(() -> invoke(request(ARN, "\uD83D\uDE00".repeat(256))))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("(received 256 characters, the first one not allowed at position 1)");
        assertThatThrownBy(() -> invoke(request(ARN, "\uD83D\uDE00".repeat(257))))
                .hasMessageContaining("clientId: must be at most 256 characters (received 257)");
    }

    @Test
    void eventBridgeSample_whenSerialisedFromJavaObject_throwsInvalidRequestNamingTheEnvelopeField() {
        assertThatThrownBy(() -> invoke(event("eventbridge-rule-scheduled-event.awsdocs-camelCase-NOT-WIRE-FORMAT.json")))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("detail-type: is required");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void eventBridgeRule_whenDetailIsRequest_joins() throws IOException {
        byte[] event = utf8("""
                {"version":"0","id":"1","detail-type":"Join Requested","source":"com.example.cameras",
                 "account":"123456789012","time":"2026-11-24T00:00:00Z","region":"us-west-2","resources":[],
                 "detail":%s}""".formatted(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8)));

        assertThat(JSON.readTree(invoke(event)).get("clientId").asText()).isEqualTo("viewer-1");
        assertThat(lastLog().get("trigger").asText()).isEqualTo("eventbridge");
    }

    @Test
    void schedulerEnvelope_whenDetailStringIsRequest_joins() throws IOException {
        String detail = JSON.writeValueAsString(new String(request(ARN, "viewer-1"), StandardCharsets.UTF_8));
        byte[] event = utf8("""
                {"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.scheduler",
                 "account":"123456789012","time":"2026-11-24T00:00:00Z","region":"us-west-2",
                 "resources":["arn:aws:scheduler:us-west-2:123456789012:schedule/default/join"],"detail":%s}"""
                .formatted(detail));

        assertThat(JSON.readTree(invoke(event)).get("clientId").asText()).isEqualTo("viewer-1");
        assertThat(lastLog().get("trigger").asText()).isEqualTo("scheduler");
    }

    @Test
    void logs_whenAnyOutcome_areOneParsableObjectPerLineWithRequestIdAndNoSecrets() throws IOException {
        invoke(request(ARN, "viewer-1"));
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.ACCESS_DENIED));
        httpResponse(request(ARN, "viewer-1"));
        httpResponse(utf8("{\"channelArn\":\"" + SECRET + "\"}"));

        assertThat(logLines).hasSize(3);
        for (String line : logLines) {
            assertThat(line).endsWith("\n").doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("AKIDEXAMPLE")
                    .doesNotContainIgnoringCase("authorization");
            JsonNode json = JSON.readTree(line);
            for (String key : List.of("timestamp", "level", "message", "service", "function_name",
                    "function_request_id", "xray_trace_id", "cold_start", "trigger", "outcome", "attempts",
                    "duration_ms")) {
                assertThat(json.has(key)).as(key + " in " + line).isTrue();
            }
        }
        assertThat(JSON.readTree(logLines.get(0)).get("outcome").asText()).isEqualTo("joined");
        assertThat(JSON.readTree(logLines.get(1)).get("error_code").asText()).isEqualTo("AccessDenied");
        assertThat(JSON.readTree(logLines.get(2)).get("problems")).hasSize(2);
    }
}
