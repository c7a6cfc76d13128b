package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.errors.AccessDeniedException;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.errors.ThrottledException;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Batches of joins through the handler, with the real SDK clients against the local endpoint. */
class BatchTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Operation LOOKUP = Operation.GET_SIGNALING_CHANNEL_ENDPOINT;
    static final Operation JOIN = Operation.JOIN_STORAGE_SESSION_AS_VIEWER;

    private LocalKinesisVideo kvs;
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
    }

    @AfterEach
    void stop() {
        assertThat(kvs.violations()).isEmpty();
        kvs.close();
    }

    static String channel(int n) {
        return "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam-" + n + "/1700000000000";
    }

    private String known(int n) {
        kvs.addChannel(channel(n));
        return channel(n);
    }

    private JoinHandler handler(Map<String, String> env) {
        return LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
    }

    private JoinHandler handler() {
        return handler(Map.of("JOIN_READ_TIMEOUT_MS", "500", "BATCH_JOINS_PER_SECOND", "50"));
    }

    static ObjectNode item(String arn, String clientId) {
        return JSON.createObjectNode().put("channelArn", arn).put("clientId", clientId);
    }

    static String batch(ObjectNode... items) {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode joins = batch.putArray("joins");
        for (ObjectNode item : items) {
            joins.add(item);
        }
        return batch.toString();
    }

    private JsonNode invoke(JoinHandler handler, String event, int remainingMillis) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(utf8(event)), out,
                new TestContext("req-" + logLines.size(), remainingMillis));
        return JSON.readTree(out.toByteArray());
    }

    private JsonNode invoke(JoinHandler handler, String event) throws IOException {
        return invoke(handler, event, 15_000);
    }

    private List<JsonNode> logs() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : List.copyOf(logLines)) {
            parsed.add(JSON.readTree(line));
        }
        return parsed;
    }

    private long calls(Operation operation) {
        return kvs.requests().stream().filter(r -> r.operation() == operation).count();
    }

    @Test
    void batch_whenEveryItemJoins_reportsEachInOrderWithCountsAndOneLogLineEach() throws IOException {
        String a = known(1);
        String b = known(2);

        JsonNode result = invoke(handler(), batch(item(a, "v1"), item(b, "v2"), item(a, "v3")));

        assertThat(result.path("joins")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode joined = result.path("joins").get(i);
            assertThat(joined.path("index").asInt()).isEqualTo(i);
            assertThat(joined.path("outcome").asText()).isEqualTo("joined");
            assertThat(joined.path("endpoint").asText()).isEqualTo(kvs.webrtcEndpoint().toString());
        }
        assertThat(result.path("counts").toString()).isEqualTo("{\"Joined\":3}");
        assertThat(result.path("joined").asInt()).isEqualTo(3);
        assertThat(result.path("failed").asInt()).isZero();
        assertThat(result.path("retryable").asInt()).isZero();
        assertThat(calls(LOOKUP)).as("one lookup per channel").isEqualTo(2);
        assertThat(calls(JOIN)).isEqualTo(3);
        List<JsonNode> logs = logs();
        assertThat(logs).hasSize(4);
        assertThat(logs.subList(0, 3)).extracting(l -> l.path("batch_index").asInt()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(logs.get(3).path("message").asText()).isEqualTo("batch finished");
        assertThat(logs.get(3).path("batch_counts").toString()).isEqualTo("{\"Joined\":3}");
    }

    @Test
    void batch_whenItemsFailInEveryWay_accountsForEachAloneAndKeepsGoing() throws IOException {
        String ok = known(1);
        String denied = known(2);
        String throttled = known(3);
        kvs.failChannel(JOIN, denied, Fault.error(ServiceError.ACCESS_DENIED, "denied"));
        kvs.failChannel(JOIN, throttled, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED, "slow down"));
        String unknown = channel(99);

        JsonNode result = invoke(handler(Map.of("JOIN_MAX_ATTEMPTS", "2", "BATCH_JOINS_PER_SECOND", "50")), batch(
                item(ok, "v1"), item(denied, "v2"), item(throttled, "v3"), item(unknown, "v4"), item(ok, "bad id"),
                JSON.createObjectNode().put("channelArn", "SECRET-MARKER")));

        JsonNode joins = result.path("joins");
        assertThat(joins).hasSize(6);
        assertThat(joins.get(0).path("outcome").asText()).isEqualTo("joined");
        assertThat(joins.get(1).path("error").asText()).isEqualTo("AccessDenied");
        assertThat(joins.get(1).path("retryable").asBoolean()).isFalse();
        assertThat(joins.get(2).path("error").asText()).isEqualTo("Throttled");
        assertThat(joins.get(2).path("retryable").asBoolean()).isTrue();
        assertThat(joins.get(3).path("error").asText()).isEqualTo("ResourceNotFound");
        assertThat(joins.get(4).path("error").asText()).isEqualTo("InvalidRequest");
        assertThat(joins.get(4).path("problems").get(0).asText()).startsWith("joins[4].clientId: ");
        assertThat(joins.get(4).has("clientId")).as("nothing of an invalid item is echoed").isFalse();
        assertThat(joins.get(5).path("problems").toString()).contains("joins[5].channelArn: ")
                .contains("joins[5].clientId: is required");
        assertThat(result.toString()).doesNotContain("SECRET-MARKER");
        assertThat(result.path("counts").toString()).isEqualTo(
                "{\"Joined\":1,\"InvalidRequest\":2,\"AccessDenied\":1,\"ResourceNotFound\":1,\"Throttled\":1}");
        assertThat(result.path("joined").asInt()).isEqualTo(1);
        assertThat(result.path("failed").asInt()).isEqualTo(5);
        assertThat(result.path("retryable").asInt()).isEqualTo(1);
        assertThat(String.join("", logLines)).doesNotContain("SECRET-MARKER");
        assertThat(logs()).hasSize(7);
    }

    @Test
    void batch_whenPairsRepeat_joinsEachPairOnceAndReportsEveryOccurrence() throws IOException {
        String a = known(1);

        JsonNode result = invoke(handler(), batch(item(a, "v1"), item(a, "v1"), item(a, "v2"), item(a, "v1")));

        assertThat(result.path("joins")).hasSize(4).allSatisfy(j -> assertThat(j.path("outcome").asText())
                .isEqualTo("joined"));
        assertThat(calls(JOIN)).isEqualTo(2);
        assertThat(result.path("counts").path("Joined").asInt()).isEqualTo(4);
    }

    @Test
    void batch_whenResultIsSentBack_joinsOnlyWhatIsStillPending() throws IOException {
        String ok = known(1);
        String throttled = known(2);
        String denied = known(3);
        kvs.failChannel(JOIN, throttled, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED, "slow down"));
        kvs.failChannel(JOIN, denied, Fault.error(ServiceError.ACCESS_DENIED, "denied"));
        JoinHandler handler = handler(Map.of("JOIN_MAX_ATTEMPTS", "1", "BATCH_JOINS_PER_SECOND", "50"));
        JsonNode first = invoke(handler, batch(item(ok, "v1"), item(throttled, "v2"), item(denied, "v3")));
        assertThat(first.path("retryable").asInt()).isEqualTo(1);
        kvs.healChannel(throttled);
        long joinsBefore = calls(JOIN);

        JsonNode second = invoke(handler, JSON.createObjectNode().set("joins", first.path("joins")).toString());

        assertThat(calls(JOIN) - joinsBefore).as("only the throttled item is joined again").isEqualTo(1);
        assertThat(kvs.requests().get(kvs.requests().size() - 1).body()).contains("v2");
        assertThat(second.path("joins")).extracting(j -> j.path("outcome").asText())
                .containsExactly("joined", "joined", "failed");
        assertThat(second.path("joins").get(2).path("error").asText()).isEqualTo("AccessDenied");
        assertThat(second.path("counts").toString()).isEqualTo("{\"Joined\":2,\"AccessDenied\":1}");
        assertThat(second.path("retryable").asInt()).isZero();
        assertThat(logs().stream().filter(l -> l.has("batch_index")).count())
                .as("carried items are not logged twice").isEqualTo(3 + 1);
    }

    @Test
    void batch_whenTheWholeResultIsSentBack_readsItAsARequestAndQuotesTheRequestId() throws IOException {
        String a = known(1);
        JsonNode first = invoke(handler(), batch(item(a, "v1")));
        assertThat(first.path("requestId").asText()).startsWith("req-");

        JsonNode second = invoke(handler(), first.toString());

        assertThat(second.path("counts").toString()).isEqualTo("{\"Joined\":1}");
        assertThat(calls(JOIN)).as("carried over, not joined again").isEqualTo(1);
    }

    @Test
    void batchLine_whenEveryFailureIsTheCallersOwn_staysAtInfo() throws IOException {
        String a = known(1);

        invoke(handler(), batch(item(a, "v1"), item(a, "bad id"), item(channel(60), "v2")));

        JsonNode summary = logs().get(logs().size() - 1);
        assertThat(summary.path("message").asText()).isEqualTo("batch finished");
        assertThat(summary.path("level").asText()).as("InvalidRequest and ResourceNotFound are INFO").isEqualTo("INFO");
    }

    @Test
    void batch_whenAnItemFeedsBackAnImpossibleOutcome_isInvalidAlone() throws IOException {
        String a = known(1);
        ObjectNode forged = item(a, "v2").put("outcome", "failed").put("retryable", false).put("error", "Throttled");
        ObjectNode strange = item(a, "v3").put("outcome", "maybe");

        JsonNode result = invoke(handler(), batch(item(a, "v1"), forged, strange));

        assertThat(result.path("joins").get(0).path("outcome").asText()).isEqualTo("joined");
        assertThat(result.path("joins").get(1).path("problems").get(0).asText())
                .isEqualTo("joins[1].error: must be the code of a permanent failure when retryable is false");
        assertThat(result.path("joins").get(2).path("problems").get(0).asText())
                .startsWith("joins[2].outcome: must be joined or failed");
    }

    @Test
    void batch_whenTooManyItemsOrNone_refusesTheWholeRequestBeforeAnyCall() {
        String a = channel(1);
        ObjectNode[] items = IntStream.range(0, 51).mapToObj(i -> item(a, "v" + i)).toArray(ObjectNode[]::new);

        assertThatThrownBy(() -> invoke(handler(), batch(items)))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("joins: must hold 1 to 50 items (received 51)");
        assertThatThrownBy(() -> invoke(handler(), "{\"joins\":[]}"))
                .hasMessageContaining("joins: must hold 1 to 50 items (received 0)");
        assertThatThrownBy(() -> invoke(handler(), "{\"joins\":{}}"))
                .hasMessageContaining("joins: must be an array");
        assertThatThrownBy(() -> invoke(handler(), "{\"joins\":[],\"Items\":[]}"))
                .hasMessageContaining("either joins or Items, not both");
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void itemBatcherInput_whenStepFunctionsSendsItems_joinsThemAndIgnoresBatchInput() throws IOException {
        String a = known(1);
        String event = "{\"Items\":[" + item(a, "v1") + "," + item(a, "v2") + "],\"BatchInput\":{\"attempt\":1}}";

        JsonNode result = invoke(handler(), event);

        assertThat(result.path("counts").path("Joined").asInt()).isEqualTo(2);
    }

    @Test
    void batch_whenTimeRunsOut_reportsItemsNotStartedAsNotAttemptedAndAnswersInTime() throws IOException {
        ObjectNode[] items = IntStream.range(0, 10).mapToObj(i -> item(known(i), "v")).toArray(ObjectNode[]::new);
        JoinHandler slow = handler(Map.of("BATCH_JOINS_PER_SECOND", "4", "BATCH_PARALLELISM", "2"));

        long started = System.nanoTime();
        JsonNode result = invoke(slow, batch(items), 1_500);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofMillis(1_500));
        assertThat(result.path("joins")).hasSize(10);
        int joined = result.path("counts").path("Joined").asInt();
        int notAttempted = result.path("counts").path("NotAttempted").asInt();
        assertThat(joined).isBetween(2, 6);
        assertThat(joined + notAttempted).isEqualTo(10);
        assertThat(result.path("retryable").asInt()).isEqualTo(notAttempted);
        assertThat(calls(JOIN)).isEqualTo(joined);
    }

    @Test
    void batch_whenOneEndpointIsSlowNearTheDeadline_accountsForEveryItemAndAnswersInTime() throws IOException {
        String slow = known(1);
        kvs.failChannel(JOIN, slow, Fault.delay(Duration.ofSeconds(5)));
        ObjectNode[] items = IntStream.range(1, 7).mapToObj(i -> item(known(i), "v")).toArray(ObjectNode[]::new);
        JoinHandler patient = handler(Map.of("JOIN_READ_TIMEOUT_MS", "10000", "BATCH_JOINS_PER_SECOND", "50"));

        long started = System.nanoTime();
        JsonNode result = invoke(patient, batch(items), 2_000);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("the slow join is cut at the deadline").isLessThan(Duration.ofMillis(2_000));
        assertThat(result.path("joins")).hasSize(6);
        assertThat(result.path("joins").get(0).path("error").asText()).isEqualTo("UpstreamUnavailable");
        assertThat(result.path("joins").get(0).path("retryable").asBoolean()).isTrue();
        assertThat(result.path("counts").path("Joined").asInt()).isEqualTo(5);
        assertThat(result.path("joined").asInt() + result.path("failed").asInt()).isEqualTo(6);
    }

    @Test
    void batch_whenItemsShareAChannel_spacesTheirJoinsForItsQuota() throws IOException {
        String a = known(1);

        long started = System.nanoTime();
        invoke(handler(), batch(item(a, "v1"), item(a, "v2"), item(a, "v3")));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
    }

    @Test
    void batch_whenRateIsCapped_startsNoMoreJoinsASecondThanAllowed() throws IOException {
        ObjectNode[] items = IntStream.range(0, 6).mapToObj(i -> item(known(i), "v")).toArray(ObjectNode[]::new);

        long started = System.nanoTime();
        invoke(handler(Map.of("BATCH_JOINS_PER_SECOND", "5", "BATCH_PARALLELISM", "6")), batch(items));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(calls(JOIN)).isEqualTo(6);
    }

    @Test
    void httpApi_whenBatchIsMixed_answers207WithEveryItemAnd200WhenAllJoin() throws IOException {
        String a = known(1);
        String own = Callers.IAM_USER_ID + ".";
        String body = batch(item(a, own + "v1"), item(channel(50), own + "v2"));

        JsonNode mixed = invoke(handler(), httpApi(body));
        JsonNode all = invoke(handler(), httpApi(batch(item(a, own + "v3"))));

        assertThat(mixed.path("statusCode").asInt()).isEqualTo(207);
        assertThat(mixed.path("headers").has("retry-after")).isFalse();
        assertThat(JSON.readTree(mixed.path("body").asText()).path("counts").toString())
                .isEqualTo("{\"Joined\":1,\"ResourceNotFound\":1}");
        assertThat(all.path("statusCode").asInt()).isEqualTo(200);
    }

    @Test
    void eventBridge_whenAnItemFails_throwsSoLambdaRetriesAndKeepsTheEvent() {
        String a = known(1);
        String denied = known(2);
        String throttled = known(3);
        kvs.failChannel(JOIN, denied, Fault.error(ServiceError.ACCESS_DENIED, "denied"));
        JoinHandler handler = handler(Map.of("JOIN_MAX_ATTEMPTS", "1", "BATCH_JOINS_PER_SECOND", "50"));

        assertThatThrownBy(() -> invoke(handler, eventBridge(batch(item(a, "v1"), item(denied, "v2")))))
                .isExactlyInstanceOf(AccessDeniedException.class)
                .hasMessageStartingWith("1 of 2 joins failed (AccessDenied 1)");

        kvs.failChannel(JOIN, throttled, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED, "slow down"));
        assertThatThrownBy(() -> invoke(handler, eventBridge(batch(item(denied, "v2"), item(throttled, "v3")))))
                .as("a retryable failure decides the error, so that Lambda's retries are worth it")
                .isExactlyInstanceOf(ThrottledException.class);
    }

    @Test
    void summaryRequest_whenNotADirectInvoke_isRefused() throws IOException {
        String summary = "{\"ResultWriterDetails\":{\"Bucket\":\"results\",\"Key\":\"run/manifest.json\"}}";

        JsonNode response = invoke(handler(), httpApi(summary));

        assertThat(response.path("statusCode").asInt()).isEqualTo(400);
        assertThat(response.path("body").asText()).contains("direct invocation");
    }

    /** An HTTP API event from the sample IAM user ({@link Callers#IAM_USER_ID}) carrying {@code body}. */
    static String httpApi(String body) {
        return new String(Callers.iam(utf8("""
                {"version":"2.0","routeKey":"POST /join","rawPath":"/join","headers":{},
                 "requestContext":{"http":{"method":"POST","path":"/join"},"requestId":"abc"},
                 "body":"%s","isBase64Encoded":true}""".formatted(
                Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))))), StandardCharsets.UTF_8);
    }

    static String eventBridge(String detail) {
        return """
                {"version":"0","id":"1","detail-type":"Join Requested","source":"com.example.cameras",
                 "account":"123456789012","time":"2026-11-24T00:00:00Z","region":"us-west-2","resources":[],
                 "detail":%s}""".formatted(detail);
    }
}
