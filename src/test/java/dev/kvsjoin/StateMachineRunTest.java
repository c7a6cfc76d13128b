package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.FunctionProcess;
import dev.kvsjoin.testing.FunctionUnderTest;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.LocalLambda;
import dev.kvsjoin.testing.LocalStepFunctions;
import dev.kvsjoin.testing.LocalStepFunctions.Execution;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.StateMachineDefinitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The template's state machines executed by an independent interpreter ({@code aws-local-stepfunctions}) whose
 * Lambda tasks invoke the packaged function through the Lambda runtime path ({@link FunctionProcess} behind
 * {@link LocalLambda}), against the local Kinesis Video endpoint: the single-join state machine, and the fleet's
 * item processor on the batches a Distributed Map's ItemBatcher hands it (the interpreter ignores ItemReader,
 * ItemBatcher and ResultWriter, so the processor runs as a state machine of its own). Waits and retry intervals
 * take no time; the function's own in-call retries still do.
 */
class StateMachineRunTest {

    static final String FRONT_DOOR = EndToEndTest.CHANNEL;
    static final String LOBBY = channel("lobby", 1_700_000_000_010L);
    static final String GARAGE = channel("garage", 1_700_000_000_011L);
    /** Throttled (ClientLimitExceededException) on every join while a test says so. */
    static final String YARD = channel("yard", 1_700_000_000_012L);
    /** Denied (AccessDeniedException) on every join. */
    static final String OFFICE = channel("office", 1_700_000_000_013L);
    /** Not known to the endpoint: ResourceNotFoundException. */
    static final String ATTIC = channel("attic", 1_700_000_000_014L);
    static final String ALIAS = StateMachineDefinitions.SAMPLE_STACK.get("JoinFunction.Alias");
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration EXECUTION_TIMEOUT = Duration.ofMinutes(2);
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final FunctionUnderTest local = new FunctionUnderTest(WAIT);
    static LocalLambda lambda;
    static ObjectNode joinStateMachine;
    static ObjectNode itemProcessor;

    @BeforeAll
    static void start() throws IOException {
        Map<String, ObjectNode> definitions = StateMachineDefinitions.read(Path.of("template.yaml"));
        joinStateMachine = definitions.get("JoinStateMachine");
        itemProcessor = FleetDefinition.itemProcessor(definitions);
        lambda = LocalLambda.start(local.function(), WAIT);
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
    }

    @BeforeEach
    void knownChannels() {
        local.kvs().reset();
        lambda.reset();
        for (String channel : List.of(FRONT_DOOR, LOBBY, GARAGE, YARD, OFFICE)) {
            local.kvs().addChannel(channel);
        }
    }

    @AfterEach
    void protocolsKept() {
        assertThat(lambda.calls()).as("every task invokes the alias").allSatisfy(call ->
                assertThat(call.functionName()).isEqualTo(ALIAS));
    }

    @Test
    void joinStateMachine_whenTheChannelJoins_outputsTheFunctionsResult() throws IOException {
        Execution execution = runJoin("stepfunctions.json");

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        assertThat(execution.output().path("channelArn").asText()).isEqualTo(FRONT_DOOR);
        assertThat(execution.output().path("clientId").asText()).isEqualTo("viewer-1");
        assertThat(execution.output().path("endpoint").asText()).isEqualTo(local.kvs().webrtcEndpoint().toString());
        assertThat(lambda.calls()).singleElement().satisfies(call -> assertThat(JSON.readTree(call.payload()))
                .isEqualTo(JSON.readTree(Files.readAllBytes(Path.of("events/stepfunctions.json")))));
        assertThat(execution.states("StateRetried")).isEmpty();
    }

    @Test
    void joinStateMachine_whenThrottledBeyondTheFunctionsRetries_retriesTheTaskAndJoins() throws IOException {
        for (int i = 0; i < 3; i++) {
            local.kvs().failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER,
                    Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        }

        Execution execution = runJoin("stepfunctions.json");

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        assertThat(execution.output().path("clientId").asText()).isEqualTo("viewer-1");
        assertThat(execution.states("StateRetried")).containsExactly("Join");
        List<LocalLambda.Call> calls = lambda.calls();
        assertThat(calls).hasSize(2);
        assertThat(errorType(calls.get(0))).isEqualTo("dev.kvsjoin.errors.ThrottledException");
        assertThat(calls.get(1).invocation().answer()).isInstanceOf(Invocation.Response.class);
        assertThat(joins(FRONT_DOOR, "viewer-1")).as("3 throttled in the first invocation, 1 in the second")
                .isEqualTo(4);
    }

    @Test
    void joinStateMachine_whenAccessDenied_failsWithTheFunctionsErrorNameWithoutRetrying() throws IOException {
        local.kvs().failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.ACCESS_DENIED));

        Execution execution = runJoin("stepfunctions.json");

        assertThat(execution.status()).isEqualTo("FAILED");
        assertThat(execution.error()).isEqualTo("dev.kvsjoin.errors.AccessDeniedException");
        assertThat(JSON.readTree(execution.cause()).path("errorType").asText()).isEqualTo(execution.error());
        assertThat(execution.states("StateCaught")).containsExactly("Join");
        assertThat(execution.states("StateEntered")).containsExactly("Join", "JoinFailed");
        assertThat(lambda.calls()).hasSize(1);
    }

    @Test
    void joinStateMachine_whenTheRequestIsInvalid_failsWithInvalidRequestBeforeAnyCall() throws IOException {
        Execution execution = runJoin("invalid-stepfunctions.json");

        assertThat(execution.status()).isEqualTo("FAILED");
        assertThat(execution.error()).isEqualTo("dev.kvsjoin.errors.InvalidRequestException");
        assertThat(JSON.readTree(execution.cause()).path("errorMessage").asText()).contains("clientId");
        assertThat(execution.states("StateRetried")).isEmpty();
        assertThat(lambda.calls()).hasSize(1);
        assertThat(local.kvs().requests()).isEmpty();
    }

    @Test
    void fleetItemProcessor_whenEveryItemJoins_outputsTheBatchResultAfterOneInvocation() throws IOException {
        ArrayNode items = items(item(LOBBY, "viewer-a"), item(GARAGE, "viewer-b"), item(LOBBY, "viewer-c"));

        Execution execution = runBatch(items);

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        JsonNode result = execution.output();
        assertThat(outcomes(result)).containsExactly("joined", "joined", "joined");
        assertItemsEchoed(result, items);
        assertThat(counts(result)).containsExactly(entry("Joined", 3));
        assertThat(result.path("joined").asInt()).isEqualTo(3);
        assertThat(result.path("failed").asInt()).isZero();
        assertThat(result.path("retryable").asInt()).isZero();
        assertThat(lambda.calls()).singleElement().satisfies(call ->
                assertThat(JSON.readTree(call.payload())).isEqualTo(batch(items)));
        assertThat(joins(LOBBY, "viewer-a") + joins(GARAGE, "viewer-b") + joins(LOBBY, "viewer-c")).isEqualTo(3);
    }

    @Test
    void fleetItemProcessor_whenItemsFailInEveryWay_rejoinsOnlyThePendingOnesAndAccountsForEveryItem()
            throws IOException {
        local.kvs().failChannel(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, YARD,
                Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        local.kvs().failChannel(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, OFFICE,
                Fault.error(ServiceError.ACCESS_DENIED));
        lambda.beforeInvocation(number -> {
            if (number == 2) {
                local.kvs().healChannel(YARD);
            }
        });
        ArrayNode items = items(item(LOBBY, "viewer-a"), item(YARD, "viewer-b"), item(OFFICE, "viewer-c"),
                item(ATTIC, "viewer-d"), item(LOBBY, "bad id!"), item(GARAGE, "viewer-e"));

        Execution execution = runBatch(items);

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        JsonNode result = execution.output();
        assertThat(outcomes(result)).containsExactly("joined", "joined", "failed", "failed", "failed", "joined");
        assertThat(errors(result)).containsExactly("", "", "AccessDenied", "ResourceNotFound", "InvalidRequest", "");
        assertThat(result.path("joins").get(4).has("clientId")).as("an invalid item echoes nothing").isFalse();
        assertThat(counts(result)).containsOnly(entry("Joined", 3), entry("AccessDenied", 1),
                entry("ResourceNotFound", 1), entry("InvalidRequest", 1));
        assertThat(result.path("joined").asInt()).isEqualTo(3);
        assertThat(result.path("failed").asInt()).isEqualTo(3);
        assertThat(result.path("retryable").asInt()).isZero();

        List<LocalLambda.Call> calls = lambda.calls();
        assertThat(calls).as("a second attempt for the throttled item only").hasSize(2);
        JsonNode second = JSON.readTree(calls.get(1).payload());
        assertThat(second.path("BatchInput").path("attempt").asInt()).isEqualTo(2);
        assertThat(second.path("joins")).as("the first result, sent back as the request").hasSize(items.size());
        assertThat(outcomes(second)).containsExactly("joined", "failed", "failed", "failed", "failed", "joined");
        assertThat(execution.states("StateEntered")).containsSubsequence("JsonJoinBatch", "JsonPendingItems",
                "JsonWaitBeforeSecondAttempt", "JsonNextAttempt", "JsonJoinBatch", "JsonPendingItems",
                "JsonBatchDone");

        assertThat(joins(LOBBY, "viewer-a")).as("joined items are not joined again").isEqualTo(1);
        assertThat(joins(GARAGE, "viewer-e")).as("joined items are not joined again").isEqualTo(1);
        assertThat(joins(OFFICE, "viewer-c")).as("a denial is not retried").isEqualTo(1);
        assertThat(lookups(ATTIC)).as("a missing channel is not looked up again").isEqualTo(1);
        assertThat(joins(YARD, "viewer-b")).as("throttled in the first attempt, joined in the second")
                .isGreaterThanOrEqualTo(2);
        assertThat(local.kvs().requests()).noneSatisfy(r -> assertThat(r.body()).contains("bad id!"));
    }

    @Test
    void fleetItemProcessor_whenStillThrottledAfterThreeAttempts_outputsTheItemsAsPending() throws IOException {
        local.kvs().failChannel(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, YARD,
                Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        ArrayNode items = items(item(LOBBY, "viewer-a"), item(YARD, "viewer-b"));

        Execution execution = runBatch(items);

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        JsonNode result = execution.output();
        assertThat(outcomes(result)).containsExactly("joined", "failed");
        assertThat(errors(result)).containsExactly("", "Throttled");
        assertThat(result.path("joins").get(1).path("retryable").asBoolean()).isTrue();
        assertThat(counts(result)).containsOnly(entry("Joined", 1), entry("Throttled", 1));
        assertThat(result.path("retryable").asInt()).isEqualTo(1);
        assertThat(lambda.calls()).as("three attempts, then the batch ends").hasSize(3);
        assertThat(lambda.calls()).extracting(call -> JSON.readTree(call.payload()).path("BatchInput")
                .path("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(joins(LOBBY, "viewer-a")).isEqualTo(1);
    }

    @Test
    void fleetItemProcessor_whenLambdaFailsOnALaterAttempt_keepsTheEarlierResultWithTheError() throws IOException {
        local.kvs().failChannel(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, YARD,
                Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        lambda.beforeInvocation(number -> {
            // The task's first try and its three retries on Lambda's service errors.
            for (int i = 0; number == 1 && i < 4; i++) {
                lambda.failNext("ServiceException");
            }
        });
        ArrayNode items = items(item(LOBBY, "viewer-a"), item(YARD, "viewer-b"));

        Execution execution = runBatch(items);

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        JsonNode result = execution.output();
        assertThat(result.path("Error").asText()).isEqualTo("Lambda.ServiceException");
        assertThat(outcomes(result)).containsExactly("joined", "failed");
        assertThat(counts(result)).containsOnly(entry("Joined", 1), entry("Throttled", 1));
        assertThat(execution.states("StateRetried")).containsExactly("JsonJoinBatch", "JsonJoinBatch",
                "JsonJoinBatch");
        assertThat(execution.states("StateCaught")).containsExactly("JsonJoinBatch");
        assertThat(lambda.calls()).hasSize(1);
    }

    @Test
    void fleetItemProcessor_whenTheBatchIsRefusedAsAWhole_countsEveryItemUnderTheErrorName() throws IOException {
        List<JsonNode> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(item(LOBBY, "viewer-" + i));
        }

        Execution execution = runBatch(items(tooMany.toArray(JsonNode[]::new)));

        assertThat(execution.succeeded()).as("%s", execution).isTrue();
        JsonNode result = execution.output();
        assertThat(counts(result)).containsExactly(entry("dev.kvsjoin.errors.InvalidRequestException", 51));
        assertThat(result.path("joined").asInt()).isZero();
        assertThat(result.path("failed").asInt()).isEqualTo(51);
        assertThat(result.path("Error").asText()).isEqualTo("dev.kvsjoin.errors.InvalidRequestException");
        assertThat(execution.states("StateRetried")).isEmpty();
        assertThat(lambda.calls()).hasSize(1);
        assertThat(local.kvs().requests()).isEmpty();
    }

    private static Execution runJoin(String event) throws IOException {
        JsonNode input = JSON.readTree(Files.readAllBytes(EndToEndTest.EVENTS.resolve(event)));
        return LocalStepFunctions.run(joinStateMachine, input, lambda.invokeUrl(), EXECUTION_TIMEOUT);
    }

    private static Execution runBatch(ArrayNode items) {
        return LocalStepFunctions.run(itemProcessor, batch(items), lambda.invokeUrl(), EXECUTION_TIMEOUT);
    }

    /** What the fleet's ItemBatcher hands a child execution. */
    private static ObjectNode batch(ArrayNode items) {
        ObjectNode batch = JSON.createObjectNode();
        batch.set("Items", items);
        batch.putObject("BatchInput").put("attempt", 1);
        return batch;
    }

    private static ArrayNode items(JsonNode... items) {
        ArrayNode array = JSON.createArrayNode();
        for (JsonNode item : items) {
            array.add(item);
        }
        return array;
    }

    private static ObjectNode item(String channelArn, String clientId) {
        return JSON.createObjectNode().put("channelArn", channelArn).put("clientId", clientId);
    }

    private static void assertItemsEchoed(JsonNode result, ArrayNode items) {
        for (int i = 0; i < items.size(); i++) {
            JsonNode join = result.path("joins").get(i);
            assertThat(join.path("index").asInt()).isEqualTo(i);
            assertThat(join.path("channelArn").asText()).isEqualTo(items.get(i).path("channelArn").asText());
            assertThat(join.path("clientId").asText()).isEqualTo(items.get(i).path("clientId").asText());
        }
    }

    private static List<String> outcomes(JsonNode result) {
        List<String> outcomes = new ArrayList<>();
        result.path("joins").forEach(join -> outcomes.add(join.path("outcome").asText()));
        return outcomes;
    }

    private static List<String> errors(JsonNode result) {
        List<String> errors = new ArrayList<>();
        result.path("joins").forEach(join -> errors.add(join.path("error").asText()));
        return errors;
    }

    private static Map<String, Integer> counts(JsonNode result) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        result.path("counts").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    /** JoinStorageSessionAsViewer requests that reached the endpoint for one viewer of one channel. */
    private static long joins(String channelArn, String clientId) {
        return local.kvs().requests().stream().filter(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER)
                .map(StateMachineRunTest::body)
                .filter(b -> b.path("channelArn").asText().equals(channelArn)
                        && b.path("clientId").asText().equals(clientId))
                .count();
    }

    private static long lookups(String channelArn) {
        return local.kvs().requests().stream().filter(r -> r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT)
                .filter(r -> body(r).path("ChannelARN").asText().equals(channelArn)).count();
    }

    private static String errorType(LocalLambda.Call call) {
        try {
            return JSON.readTree(call.invocation().error().body()).path("errorType").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode body(Recorded request) {
        try {
            return JSON.readTree(request.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String channel(String name, long created) {
        return "arn:aws:kinesisvideo:us-west-2:123456789012:channel/" + name + "/" + created;
    }
}
