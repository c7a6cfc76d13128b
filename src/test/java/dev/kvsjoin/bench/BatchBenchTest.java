package dev.kvsjoin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.bench.BatchPlan.Join;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.Listener;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchBenchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REGIONS = List.of("us-west-2", "us-east-1", "eu-west-1", "ap-northeast-1");

    private static BatchPlan plan(int joins, int batchSize, int channels, Options.Batch.Layout layout) {
        return BatchPlan.of(new Options.Batch(joins, batchSize, channels, REGIONS, layout));
    }

    private static BatchPlan defaults() {
        return plan(1000, 25, 200, Options.Batch.Layout.SPREAD);
    }

    @Test
    void of_whenSpread_givesEveryChannelItsFirstClientThenItsSecond() {
        BatchPlan plan = defaults();

        assertThat(plan.joins()).hasSize(1000).doesNotHaveDuplicates();
        assertThat(plan.joins().getFirst()).isEqualTo(new Join(
                "arn:aws:kinesisvideo:us-west-2:123456789012:channel/batch-000/1700000000000", "bench-viewer-00"));
        assertThat(plan.joins().get(1).channelArn()).contains(":us-east-1:").contains("batch-001");
        assertThat(plan.joins().get(200)).isEqualTo(new Join(plan.channels().getFirst(), "bench-viewer-01"));
        assertThat(plan.joins().getLast()).isEqualTo(new Join(plan.channels().getLast(), "bench-viewer-04"));
        assertThat(BatchPlan.distinctChannels(plan.joins())).isEqualTo(200);
    }

    @Test
    void turns_whenSpreadAndBatchSizeAtMostTheChannels_holdDistinctChannelsEach() {
        List<List<Join>> turns = defaults().turns();

        assertThat(turns).hasSize(40);
        assertThat(turns).allSatisfy(turn -> assertThat(BatchPlan.distinctChannels(turn)).isEqualTo(25));
    }

    @Test
    void turns_whenGrouped_keepEachChannelsClientsTogether() {
        BatchPlan plan = plan(1000, 25, 200, Options.Batch.Layout.GROUPED);

        assertThat(plan.joins().subList(0, 5)).extracting(Join::clientId)
                .containsExactly("bench-viewer-00", "bench-viewer-01", "bench-viewer-02", "bench-viewer-03",
                        "bench-viewer-04");
        assertThat(plan.joins().subList(0, 5)).extracting(Join::channelArn).containsOnly(plan.channels().getFirst());
        assertThat(plan.turns()).allSatisfy(turn -> assertThat(BatchPlan.distinctChannels(turn)).isEqualTo(5));
        assertThat(plan.joins()).containsExactlyInAnyOrderElementsOf(defaults().joins());
    }

    @Test
    void turns_whenJoinsNotAMultipleOfTheBatchSize_lastTurnTakesTheRest() {
        BatchPlan plan = plan(110, 25, 30, Options.Batch.Layout.SPREAD);

        assertThat(plan.turns()).extracting(List::size).containsExactly(25, 25, 25, 25, 10);
        assertThat(plan.turns().stream().flatMap(List::stream).toList()).isEqualTo(plan.joins());
    }

    @Test
    void pacedFloorNanos_whenDistinctChannels_isTheJoinRateAlone() {
        List<Join> batch = defaults().turns().getFirst();

        assertThat(BatchPlan.pacedFloorNanos(batch, 4, 10)).isEqualTo(2_400_000_000L);
        assertThat(BatchPlan.pacedFloorNanos(batch, 16, 50)).isEqualTo(480_000_000L);
        assertThat(BatchPlan.pacedFloorNanos(batch.subList(0, 1), 4, 10)).isZero();
    }

    @Test
    void pacedFloorNanos_whenOneChannel_isItsSpacing() {
        List<Join> batch = plan(3, 3, 1, Options.Batch.Layout.SPREAD).joins();

        assertThat(BatchPlan.pacedFloorNanos(batch, 4, 50)).isEqualTo(1_000_000_000L);
    }

    @Test
    void pacedFloorNanos_whenMoreChannelsThanWorkers_theLastChannelWaitsForAWorkerAndThePace() {
        // 5 channels of 5 clients, 4 workers at 10 a second: channels 0 to 3 start 0.1 s apart and space their
        // items 0.5 s, so their last items start at 2.0 to 2.3 s and the pace hands 2.4 s to channel 4's first;
        // its last starts 4 x 0.5 s later.
        List<Join> batch = plan(1000, 25, 200, Options.Batch.Layout.GROUPED).turns().getFirst();

        assertThat(BatchPlan.pacedFloorNanos(batch, 4, 10)).isEqualTo(4_400_000_000L);
        assertThat(BatchPlan.pacedFloorNanos(batch, 16, 50)).isEqualTo(2_080_000_000L);
    }

    @Test
    void pacedFloorSeconds_whenDefaults_isFortyBatchesOfTwoPointFourSeconds() {
        assertThat(defaults().pacedFloorSeconds(4, 10)).isEqualTo(96.0);
    }

    @Test
    void batchEvent_whenJoinsGiven_isTheDocumentedBatchRequest() throws IOException {
        List<Join> joins = defaults().turns().getFirst().subList(0, 2);

        JsonNode event = JSON.readTree(BatchBench.batchEvent(joins));

        assertThat(event.size()).isEqualTo(1);
        assertThat(event.path("joins")).hasSize(2);
        assertThat(event.path("joins").get(1).path("channelArn").asText()).isEqualTo(joins.get(1).channelArn());
        assertThat(event.path("joins").get(1).path("clientId").asText()).isEqualTo(joins.get(1).clientId());
        assertThat(JSON.readTree(BatchBench.singleEvent(joins.getFirst())))
                .isEqualTo(JSON.readTree(BatchBench.batchEvent(joins)).path("joins").get(0));
    }

    /** A batch result as the function writes it, every item joined. */
    private static ObjectNode joinedResult(List<Join> joins) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode items = result.putArray("joins");
        for (int i = 0; i < joins.size(); i++) {
            items.addObject().put("index", i).put("channelArn", joins.get(i).channelArn())
                    .put("clientId", joins.get(i).clientId()).put("outcome", "joined")
                    .put("endpoint", "https://127.0.0.1:4443").put("attempts", 1);
        }
        result.putObject("counts").put("Joined", joins.size());
        return result.put("joined", joins.size()).put("failed", 0).put("retryable", 0).put("durationMs", 812);
    }

    private static Invocation.Answer response(JsonNode body) {
        return new Invocation.Response(body.toString());
    }

    @Test
    void checkBatch_whenEveryItemJoined_countsThemAllWithoutProblems() {
        List<Join> joins = defaults().turns().getFirst();

        BatchBench.BatchCheck check = BatchBench.checkBatch(joins, response(joinedResult(joins)));

        assertThat(check).isEqualTo(new BatchBench.BatchCheck(25, List.of()));
    }

    @Test
    void checkBatch_whenAnItemFailed_countsTheOthersAndNamesItsError() {
        List<Join> joins = defaults().turns().getFirst().subList(0, 3);
        ObjectNode result = joinedResult(joins);
        ((ObjectNode) result.path("joins").get(1)).put("outcome", "failed").put("error", "Throttled")
                .put("retryable", true).remove("endpoint");
        result.put("joined", 2).put("failed", 1).putObject("counts").put("Joined", 2).put("Throttled", 1);

        BatchBench.BatchCheck check = BatchBench.checkBatch(joins, response(result));

        assertThat(check).isEqualTo(new BatchBench.BatchCheck(2, List.of("item failed Throttled")));
    }

    @Test
    void checkBatch_whenCountsDisagreeWithTheItems_saysSo() {
        List<Join> joins = defaults().turns().getFirst().subList(0, 3);
        ObjectNode result = joinedResult(joins).put("joined", 2);

        assertThat(BatchBench.checkBatch(joins, response(result)).problems())
                .containsExactly("batch counts that do not match its items");
    }

    @Test
    void checkBatch_whenItemsAnswerOtherJoins_takesNoneAsJoined() {
        List<Join> joins = defaults().turns().getFirst();
        ObjectNode result = joinedResult(joins.reversed());

        assertThat(BatchBench.checkBatch(joins, response(result))).isEqualTo(new BatchBench.BatchCheck(0,
                List.of("batch response with items out of order or for other joins")));
        assertThat(BatchBench.checkBatch(joins, response(joinedResult(joins.subList(0, 24)))).problems())
                .containsExactly("batch response without an item for each join");
    }

    @Test
    void checkBatch_whenTheInvocationThrew_namesTheErrorType() {
        Invocation.Answer error = new Invocation.Error("Runtime.UserException",
                "{\"errorMessage\":\"3 of 25 joins failed\",\"errorType\":\"dev.kvsjoin.errors.ThrottledException\"}",
                "");

        assertThat(BatchBench.checkBatch(defaults().turns().getFirst(), error)).isEqualTo(new BatchBench.BatchCheck(
                0, List.of("batch error dev.kvsjoin.errors.ThrottledException")));
    }

    @Test
    void singleProblem_whenTheResultNamesTheJoin_isNoneElseSaysWhatIsWrong() {
        Join join = defaults().joins().getFirst();
        ObjectNode result = JSON.createObjectNode().put("channelArn", join.channelArn())
                .put("clientId", join.clientId()).put("endpoint", "https://127.0.0.1:4443").put("attempts", 1)
                .put("durationMs", 4);

        assertThat(BatchBench.singleProblem(join, response(result))).isNull();
        assertThat(BatchBench.singleProblem(defaults().joins().get(1), response(result)))
                .isEqualTo("response for another join");
        assertThat(BatchBench.singleProblem(join, new Invocation.Error("Runtime.UserException",
                "{\"errorType\":\"dev.kvsjoin.errors.ResourceNotFoundException\"}", "")))
                .isEqualTo("error dev.kvsjoin.errors.ResourceNotFoundException");
    }

    private static Recorded joinRequest(Join join) {
        return new Recorded(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Listener.WEBRTC, "/joinStorageSessionAsViewer",
                Map.of(), "{\"channelArn\":\"" + join.channelArn() + "\",\"clientId\":\"" + join.clientId() + "\"}",
                "us-west-2");
    }

    @Test
    void endpointProblems_whenEachJoinSeenOnce_isEmpty() {
        List<Join> joins = defaults().turns().getFirst();
        List<Recorded> requests = new ArrayList<>(joins.reversed().stream().map(BatchBenchTest::joinRequest)
                .toList());
        requests.add(new Recorded(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Listener.CONTROL,
                "/getSignalingChannelEndpoint", Map.of(), "{}", "us-west-2"));

        assertThat(BatchBench.endpointProblems(joins, BatchBench.joinsSeen(requests))).isEmpty();
    }

    @Test
    void endpointProblems_whenJoinsMissingRepeatedOrUnasked_countsEachKind() {
        List<Join> asked = defaults().turns().getFirst();
        List<Recorded> requests = new ArrayList<>(asked.subList(2, 25).stream().map(BatchBenchTest::joinRequest)
                .toList());
        requests.add(joinRequest(asked.get(2)));
        requests.add(joinRequest(defaults().joins().getLast()));

        assertThat(BatchBench.endpointProblems(asked, BatchBench.joinsSeen(requests))).containsExactly(
                "2 joins never reached the endpoint", "1 repeated join requests", "1 joins that were not asked for");
    }

    @Test
    void billedSeconds_whenDurationsHaveFractions_roundsEachUpToTheMillisecond() {
        assertThat(BatchReport.billedSeconds(new double[] {0.4, 1.0, 2.01})).isEqualTo(0.005);
    }
}
