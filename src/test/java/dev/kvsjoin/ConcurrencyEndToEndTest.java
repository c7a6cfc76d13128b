package dev.kvsjoin;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.testing.FunctionProcess;
import dev.kvsjoin.testing.FunctionUnderTest;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged function run as Lambda Managed Instances run it: one process, the real runtime client with
 * {@code AWS_LAMBDA_MAX_CONCURRENCY=8}, so that eight threads share the one handler and invocations overlap. Bursts of
 * invocations over several channels in three regions (the SDK's endpoint override sends every region's control plane
 * to the local endpoint) and three triggers, valid and invalid; every answer, every log line and every request that
 * reached the local endpoint is checked. One process serves the burst tests, each on channels of its own so that
 * its endpoint cache starts cold; the cold start tests start fresh processes.
 */
class ConcurrencyEndToEndTest {

    static final int THREADS = 8;
    static final List<String> REGIONS = List.of("us-west-2", "eu-west-1", "ap-southeast-2");
    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    /** The one line the runtime client writes of its own in concurrent mode, before the first poll. */
    static final String THREADS_STARTED = "Starting \\d+ concurrent function handler threads\\.";
    static final FunctionProcess.Credentials CREDENTIALS = FunctionProcess.Credentials.fake();
    @RegisterExtension
    static final FunctionUnderTest local = new FunctionUnderTest(WAIT, builder -> builder
            .credentials(CREDENTIALS)
            .maxConcurrency(THREADS)
            // Generated client ids from the samples' one IAM caller: concurrency is tested here, not binding.
            .environment("CLIENT_ID_BINDING", "none"));

    /** How an event reaches the function, and the {@code trigger} the function logs for it. */
    enum Trigger {
        HTTP_API("apigateway-http", "http-api.json"),
        REST_API("apigateway-rest", "rest-api.json"),
        DIRECT("direct", "stepfunctions.json");

        final String logName;
        final ObjectNode sample;

        Trigger(String logName, String sample) {
            this.logName = logName;
            this.sample = (ObjectNode) parse(read(Path.of("events", sample)));
        }

        boolean isHttp() {
            return this != DIRECT;
        }

        /** The sample event of this trigger carrying the request, in the sample's own encoding. */
        byte[] event(String channelArn, String clientId) {
            ObjectNode request = JSON.createObjectNode().put("channelArn", channelArn).put("clientId", clientId);
            if (!isHttp()) {
                return request.toString().getBytes(StandardCharsets.UTF_8);
            }
            ObjectNode event = sample.deepCopy();
            String body = request.toString();
            event.put("body", event.path("isBase64Encoded").asBoolean()
                    ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
            return event.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** One event of a burst: what it asks, and whether the request is valid. */
    record Sent(Trigger trigger, String channelArn, String clientId, boolean valid) {

        static Sent join(Trigger trigger, String channelArn, String clientId) {
            return new Sent(trigger, channelArn, clientId, true);
        }

        /** A request whose client id breaks the service model's pattern: rejected before any call. */
        static Sent invalid(Trigger trigger, String channelArn) {
            return new Sent(trigger, channelArn, "not a client id", false);
        }

        byte[] event() {
            return trigger.event(channelArn, clientId);
        }
    }

    @BeforeEach
    void resetEndpoint() {
        local.kvs().reset();
    }

    @Test
    void burst_whenCacheCold_answersEveryInvocationAndLooksUpEachChannelOnce() {
        List<String> channels = channels("cold");
        List<Sent> sent = burst(channels);

        List<FunctionProcess.Call> calls = invokeAll(local.function(), sent);

        assertAnswered(sent, calls);
        assertColdStartOnce(local.function().stdout());
        assertRequests(sent, calls, channels, 1);
    }

    @Test
    void burst_whenEndpointsCached_joinsWithoutLookups() {
        List<String> channels = channels("warm");
        invokeAll(local.function(), burst(channels));
        local.kvs().reset();
        channels.forEach(local.kvs()::addChannel);
        List<Sent> sent = burst(channels);

        List<FunctionProcess.Call> calls = invokeAll(local.function(), sent);

        assertAnswered(sent, calls);
        assertColdStartOnce(local.function().stdout());
        assertRequests(sent, calls, channels, 0);
        assertThat(calls).filteredOn(call -> call.invocation().answer() instanceof Invocation.Response)
                .map(ConcurrencyEndToEndTest::functionLine)
                .filteredOn(line -> line.path("outcome").asText().equals("joined"))
                .hasSize((int) sent.stream().filter(Sent::valid).count())
                .allSatisfy(line -> assertThat(line.path("endpoint_cached").asBoolean()).isTrue());
    }

    /** Two invocations queued before init ends reach the two runtime threads at once, on the same channel. */
    @RepeatedTest(3)
    void firstInvocations_whenTwoArriveAtOnceOnFreshProcess_oneColdStartAndOneLookup() throws IOException {
        String channel = "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/fresh/1700000000100";
        local.kvs().addChannel(channel);
        List<Sent> sent = List.of(Sent.join(Trigger.HTTP_API, channel, "viewer-a"),
                Sent.join(Trigger.DIRECT, channel, "viewer-b"));
        try (FunctionProcess fresh = FunctionProcess.builder()
                .kinesisVideoEndpoint(local.kvs().controlEndpoint())
                .credentials(CREDENTIALS)
                .maxConcurrency(2)
                .environment("CLIENT_ID_BINDING", "none")
                .start()) {

            List<FunctionProcess.Call> calls = invokeAll(fresh, sent);

            assertAnswered(sent, calls);
            assertThat(calls).map(call -> functionLine(call).path("cold_start").asBoolean())
                    .as("cold_start of the two first invocations").containsExactlyInAnyOrder(true, false);
            assertRequests(sent, calls, List.of(channel), 1);
            assertThat(fresh.violations()).isEmpty();
            assertThat(fresh.stderr()).isEmpty();
        }
    }

    /** Six channels, two in each region, named after the test so that no other test warmed their cache entries. */
    private static List<String> channels(String name) {
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String channel = "arn:aws:kinesisvideo:" + REGIONS.get(i % REGIONS.size()) + ":123456789012:channel/"
                    + name + "-" + i + "/" + (1700000000000L + i);
            local.kvs().addChannel(channel);
            channels.add(channel);
        }
        return channels;
    }

    /**
     * Eight joins per channel, in waves over two channels at a time, so that each wave's first joins on a channel
     * overlap; the triggers rotate; each wave also carries an invalid request over HTTP and one direct.
     */
    private static List<Sent> burst(List<String> channels) {
        Trigger[] triggers = Trigger.values();
        List<Sent> sent = new ArrayList<>();
        for (int wave = 0; wave < channels.size() / 2; wave++) {
            for (int i = 0; i < 16; i++) {
                String channel = channels.get(2 * wave + i % 2);
                sent.add(Sent.join(triggers[(wave + i) % triggers.length], channel, "viewer-" + wave + "-" + i));
                if (i == 5) {
                    sent.add(Sent.invalid(Trigger.HTTP_API, channel));
                }
                if (i == 10) {
                    sent.add(Sent.invalid(Trigger.DIRECT, channel));
                }
            }
        }
        return sent;
    }

    /**
     * Sends the events at once and checks the output they caused as a whole: every line a JSON object carrying the
     * request id of one of them (but the runtime client's start-up line on a fresh process), each invocation's id on
     * exactly one line of the function, and on exactly one line of the runtime client when it threw.
     */
    private static List<FunctionProcess.Call> invokeAll(FunctionProcess process, List<Sent> sent) {
        int from = process.stdout().size();
        List<FunctionProcess.Call> calls = process.invokeAll(sent.stream().map(Sent::event).toList(), WAIT);
        List<String> stdout = process.stdout();
        List<JsonNode> lines = stdout.subList(from, stdout.size()).stream()
                .map(ConcurrencyEndToEndTest::parse).toList();

        assertThat(lines).as("log lines").allSatisfy(line -> assertThat(line.isObject()).isTrue());
        assertThat(lines).filteredOn(line -> !line.has("function_request_id") && !line.has("AWSRequestId"))
                .as("lines carrying no request id").allSatisfy(line -> assertThat(line.path("message").asText())
                        .matches(THREADS_STARTED));
        assertThat(lines).filteredOn(line -> line.has("function_request_id"))
                .map(line -> line.path("function_request_id").asText()).as("function_request_id of the lines")
                .containsExactlyInAnyOrderElementsOf(calls.stream().map(c -> c.invocation().requestId()).toList());
        assertThat(lines).filteredOn(line -> line.has("AWSRequestId"))
                .map(line -> line.path("AWSRequestId").asText()).as("AWSRequestId of the runtime client's lines")
                .containsExactlyInAnyOrderElementsOf(calls.stream()
                        .filter(c -> c.invocation().answer() instanceof Invocation.Error)
                        .map(c -> c.invocation().requestId()).toList());
        return calls;
    }

    /**
     * Every event got its own answer, in its trigger's terms, and its own log lines: one line of the function
     * carrying its request id and trace id, plus, when it threw, the runtime client's error line carrying its
     * request id; every line a JSON object, none carrying another invocation's id.
     */
    private static void assertAnswered(List<Sent> sent, List<FunctionProcess.Call> calls) {
        assertThat(calls).hasSameSizeAs(sent);
        assertThat(calls).map(call -> call.invocation().requestId()).doesNotHaveDuplicates();
        for (int i = 0; i < sent.size(); i++) {
            Sent event = sent.get(i);
            FunctionProcess.Call call = calls.get(i);
            String requestId = call.invocation().requestId();
            if (event.trigger().isHttp()) {
                assertHttpAnswer(event, call);
            } else {
                assertDirectAnswer(event, call);
            }
            boolean thrown = call.invocation().answer() instanceof Invocation.Error;
            List<JsonNode> lines = call.stdout().stream().map(ConcurrencyEndToEndTest::parse).toList();
            assertThat(lines).as("log lines of %s", requestId)
                    .allSatisfy(line -> assertThat(line.isObject()).isTrue())
                    .allSatisfy(line -> assertThat(line.path("function_request_id")
                            .asText(line.path("AWSRequestId").asText())).isEqualTo(requestId))
                    .hasSize(thrown ? 2 : 1);
            JsonNode line = functionLine(call);
            assertThat(line.path("xray_trace_id").asText()).isEqualTo(call.invocation().traceId());
            assertThat(line.path("trigger").asText()).isEqualTo(event.trigger().logName);
            assertThat(line.path("cold_start").isBoolean()).isTrue();
            assertThat(line.path("outcome").asText()).isEqualTo(event.valid() ? "joined" : "rejected");
            if (event.valid()) {
                assertThat(line.path("channelArn").asText()).isEqualTo(event.channelArn());
                assertThat(line.path("clientId").asText()).isEqualTo(event.clientId());
            }
            if (thrown) {
                assertThat(lines).filteredOn(l -> l.has("AWSRequestId")).singleElement()
                        .satisfies(l -> assertThat(l.path("level").asText()).isEqualTo("ERROR"));
            }
        }
    }

    private static void assertHttpAnswer(Sent event, FunctionProcess.Call call) {
        JsonNode answer = parse(call.invocation().responseBody());
        assertThat(answer.path("headers").path("content-type").asText()).isEqualTo("application/json");
        JsonNode body = parse(answer.path("body").asText());
        if (event.valid()) {
            assertThat(answer.path("statusCode").asInt()).isEqualTo(200);
            assertJoined(event, body);
        } else {
            assertThat(answer.path("statusCode").asInt()).isEqualTo(400);
            assertThat(body.path("error").asText()).isEqualTo("InvalidRequest");
            assertThat(body.path("requestId").asText()).isEqualTo(call.invocation().requestId());
        }
    }

    private static void assertDirectAnswer(Sent event, FunctionProcess.Call call) {
        if (event.valid()) {
            assertJoined(event, parse(call.invocation().responseBody()));
        } else {
            JsonNode error = parse(call.invocation().error().body());
            assertThat(error.path("errorType").asText()).isEqualTo("dev.kvsjoin.errors.InvalidRequestException");
            assertThat(error.path("errorMessage").asText()).contains("clientId");
        }
    }

    private static void assertJoined(Sent event, JsonNode result) {
        assertThat(result.path("channelArn").asText()).isEqualTo(event.channelArn());
        assertThat(result.path("clientId").asText()).isEqualTo(event.clientId());
        assertThat(result.path("endpoint").asText()).isEqualTo(local.kvs().webrtcEndpoint().toString());
        assertThat(result.path("attempts").asInt()).isBetween(1, 2);
    }

    /**
     * What reached the local endpoint: {@code lookups} lookups per channel, each in the channel's region, and
     * exactly one join per valid event, each carrying the trace id of the invocation that asked for it; nothing for
     * invalid events.
     */
    private static void assertRequests(List<Sent> sent, List<FunctionProcess.Call> calls, List<String> channels,
                                       int lookups) {
        List<Recorded> requests = local.kvs().requests();
        Map<String, Long> lookupsByChannel = requests.stream()
                .filter(r -> r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT)
                .collect(groupingBy(r -> parse(r.body()).path("ChannelARN").asText(), counting()));
        assertThat(lookupsByChannel).as("GetSignalingChannelEndpoint calls per channel")
                .isEqualTo(lookups == 0 ? Map.of() : channels.stream().collect(toMap(c -> c, c -> (long) lookups)));
        assertThat(requests).allSatisfy(r -> assertThat(r.region()).as("signing region of %s", r.body())
                .isEqualTo(parse(r.body()).path(r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT
                        ? "ChannelARN" : "channelArn").asText().split(":")[3]));

        Map<String, String> traceByClient = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).valid()) {
                traceByClient.put(sent.get(i).clientId(), calls.get(i).invocation().traceId());
            }
        }
        List<Recorded> joins = requests.stream()
                .filter(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER).toList();
        assertThat(joins).map(r -> parse(r.body()).path("clientId").asText()).as("clients joined")
                .containsExactlyInAnyOrderElementsOf(traceByClient.keySet());
        assertThat(joins).allSatisfy(r -> assertThat(r.header("x-amzn-trace-id")).as("trace header of the join of %s",
                r.body()).hasValue(traceByClient.get(parse(r.body()).path("clientId").asText())));
        assertThat(requests).allSatisfy(r -> assertThat(r.header("authorization")).hasValueSatisfying(
                a -> assertThat(a).contains("Credential=" + CREDENTIALS.accessKeyId() + "/")));
    }

    /** Over the whole life of a process, exactly one invocation reports a cold start. */
    private static void assertColdStartOnce(List<String> stdout) {
        assertThat(stdout).map(ConcurrencyEndToEndTest::parse).filteredOn(line -> line.has("function_request_id"))
                .filteredOn(line -> line.path("cold_start").asBoolean())
                .as("function log lines with cold_start true").hasSize(1);
    }

    private static JsonNode functionLine(FunctionProcess.Call call) {
        return call.stdout().stream().map(ConcurrencyEndToEndTest::parse).filter(l -> l.has("function_request_id"))
                .findFirst().orElseThrow(() -> new AssertionError("no function log line in " + call.stdout()));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
