package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.log.Level;
import dev.kvsjoin.log.Log;
import dev.kvsjoin.log.Metric;
import dev.kvsjoin.log.MetricValues;
import dev.kvsjoin.testing.EmfValidator;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import dev.kvsjoin.trigger.Trigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The metrics every invocation embeds in its log line, through the production handler graph against the local
 * Kinesis Video endpoint: for every trigger and every outcome (a join and each failure reason), the line is a valid
 * embedded metric format document and its metrics say what the caller was told.
 */
class JoinHandlerMetricsTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final String NAMESPACE = "TestJoins";
    static final String SERVICE = "join-test";
    static final ObjectMapper JSON = new ObjectMapper();

    private LocalKinesisVideo kvs;
    private final List<String> lines = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
    }

    @AfterEach
    void stop() {
        kvs.close();
    }

    private JoinHandler handler(Map<String, String> overrides) {
        // One attempt: each scripted error decides the outcome. The default timeouts: no fault here is a delay, and a
        // loaded machine's first call can take longer than a short timeout.
        Map<String, String> env = new HashMap<>(Map.of("JOIN_MAX_ATTEMPTS", "1",
                "POWERTOOLS_METRICS_NAMESPACE", NAMESPACE, "POWERTOOLS_SERVICE_NAME", SERVICE));
        env.putAll(overrides);
        return LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> lines.add(new String(line, StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> everyTriggerAndOutcome() {
        return Arrays.stream(Trigger.values())
                .flatMap(trigger -> Arrays.stream(Scenario.values()).map(s -> Arguments.of(trigger, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTriggerAndOutcome")
    void invoke_whenAnyTriggerAndOutcome_embedsValidMetricsThatSayWhatTheCallerWasTold(Trigger trigger,
                                                                                        Scenario scenario) {
        JoinHandler handler = handler(Map.of());

        Answer answer = invoke(handler, scenario.prepare(kvs, trigger, ARN), scenario.context("req-metrics"));

        assertThat(lines).singleElement();
        String line = lines.get(0);
        JsonNode json = EmfValidator.assertValid(line);
        EmfValidator.assertWithinOlderLimits(line);
        List<EmfValidator.Datum> data = EmfValidator.data(json);
        assertThat(json.path("trigger").asText()).isEqualTo(trigger.logName());
        assertThat(json.path("error_code").asText(null))
                .isEqualTo(scenario.reason == null ? null : scenario.reason.code());
        assertDeclared(data);
        assertThat(data).allSatisfy(d -> {
            assertThat(d.namespace()).isEqualTo(NAMESPACE);
            assertThat(d.dimensions()).containsEntry(Log.SERVICE, SERVICE);
        });

        boolean joined = scenario == Scenario.JOINED;
        assertThat(value(data, "Joined", Map.of())).isEqualTo(joined ? 1 : 0);
        assertThat(value(data, "Failed", Map.of())).isEqualTo(joined ? 0 : 1);
        assertThat(value(data, "Joined", Map.of("trigger", trigger.logName()))).isEqualTo(joined ? 1 : 0);
        assertThat(value(data, "Failed", Map.of("trigger", trigger.logName()))).isEqualTo(joined ? 0 : 1);
        if (joined) {
            assertThat(data).noneSatisfy(d -> assertThat(d.dimensions()).containsKey("error_code"));
            assertThat(value(data, "EndpointCacheHit", Map.of())).isZero();
        } else {
            assertThat(value(data, "Failed", Map.of("error_code", scenario.reason.code()))).isEqualTo(1);
            assertThat(names(data)).doesNotContain("EndpointCacheHit");
        }
        if (json.has("channelArn")) {
            assertThat(value(data, "JoinDuration", Map.of())).isEqualTo(json.path("duration_ms").asDouble());
            assertThat(value(data, "JoinAttempts", Map.of())).isEqualTo(json.path("attempts").asDouble());
        } else {
            assertThat(names(data)).as("no duration or attempts for a request that never reached a call")
                    .doesNotContain("JoinDuration", "JoinAttempts");
        }
        assertThat(value(data, "ColdStart", Map.of())).isEqualTo(1);
        assertThat(value(data, "ErrorsRaised", Map.of())).as("1 exactly when the caller got a thrown error")
                .isEqualTo(answer.thrown() == null ? 0 : 1);
        assertThat(answer.thrown() != null).isEqualTo(!joined && !trigger.isHttp());
    }

    @Test
    void invoke_whenSecondJoinOnTheChannel_countsACacheHitAndNoColdStart() {
        JoinHandler handler = handler(Map.of());
        invoke(handler, request(ARN, "viewer-1"), TestContext.of("req-1"));
        invoke(handler, request(ARN, "viewer-2"), TestContext.of("req-2"));

        List<EmfValidator.Datum> second = EmfValidator.data(EmfValidator.assertValid(lines.get(1)));
        assertThat(value(second, "EndpointCacheHit", Map.of())).isEqualTo(1);
        assertThat(value(second, "JoinAttempts", Map.of())).isEqualTo(1);
        assertThat(value(second, "ColdStart", Map.of())).isZero();
    }

    @Test
    void invoke_whenLogLevelIsWarn_stillEmbedsTheMetricsOfEveryOutcome() {
        JoinHandler handler = handler(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN"));
        invoke(handler, request(ARN, "viewer-1"), TestContext.of("req-1"));
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        invoke(handler, request(ARN, "viewer-2"), TestContext.of("req-2"));

        assertThat(lines).hasSize(2);
        JsonNode joined = EmfValidator.assertValid(lines.get(0));
        assertThat(joined.has("level")).as("the join's INFO line is filtered: its metrics remain").isFalse();
        assertThat(joined.path("message").asText()).isEqualTo(Log.METRICS_ONLY);
        assertThat(joined.path("function_request_id").asText()).isEqualTo("req-1");
        assertThat(value(EmfValidator.data(joined), "Joined", Map.of("trigger", "direct"))).isEqualTo(1);
        JsonNode throttled = EmfValidator.assertValid(lines.get(1));
        assertThat(throttled.path("level").asText()).isEqualTo("WARN");
        assertThat(value(EmfValidator.data(throttled), "Failed", Map.of("error_code", "Throttled"))).isEqualTo(1);
    }

    @Test
    void invoke_whenMetricsDisabled_writesTheSameLineWithoutMetrics() throws IOException {
        JoinHandler handler = handler(Map.of("POWERTOOLS_METRICS_DISABLED", "true"));
        invoke(handler, request(ARN, "viewer-1"), TestContext.of("req-1"));

        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(EmfValidator.isEmf(lines.get(0))).isFalse();
        Set<String> metricNames = Arrays.stream(Metric.values()).map(Metric::metricName).collect(Collectors.toSet());
        assertThat(line.properties()).extracting(Map.Entry::getKey).doesNotContainAnyElementsOf(metricNames);
        assertThat(line.path("outcome").asText()).isEqualTo("joined");
    }

    @Test
    void batchSummary_whenWrittenWithTheInvocationAndBatchMetrics_isValidAndCountsTheInvocationOnce() {
        Log log = new Log((line, level) -> lines.add(new String(line, StandardCharsets.UTF_8)),
                Level.INFO, SERVICE, () -> 2_000L, NAMESPACE);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_request_id", "req-batch");
        fields.put("trigger", Trigger.HTTP_API.logName());

        log.write(Level.INFO, "batch finished", fields, JoinFunction.invocationMetrics(
                JoinFunction.batchMetrics(new MetricValues(1_000L), 50, 5_300L), true, false));

        List<EmfValidator.Datum> data = EmfValidator.data(EmfValidator.assertValid(lines.get(0)));
        assertDeclared(data);
        assertThat(value(data, "BatchItems", Map.of())).isEqualTo(50);
        assertThat(value(data, "BatchDuration", Map.of())).isEqualTo(5_300);
        assertThat(value(data, "ColdStart", Map.of())).isEqualTo(1);
        assertThat(value(data, "ErrorsRaised", Map.of())).isZero();
        assertThat(names(data)).as("outcomes are counted on the items' lines").doesNotContain("Joined", "Failed");
    }

    /** Every datum is a declared metric, with its unit, under one of its declared dimension sets. */
    static void assertDeclared(List<EmfValidator.Datum> data) {
        Map<String, Metric> declared = Arrays.stream(Metric.values())
                .collect(Collectors.toMap(Metric::metricName, m -> m));
        for (EmfValidator.Datum datum : data) {
            Metric metric = declared.get(datum.name());
            assertThat(metric).as("declared metric %s", datum.name()).isNotNull();
            assertThat(datum.unit()).isEqualTo(metric.unit());
            assertThat(metric.dimensionSets()).contains(List.copyOf(datum.dimensions().keySet()));
        }
    }

    /** The value of the one datum of that metric whose dimensions are {@code service} plus {@code others}. */
    static double value(List<EmfValidator.Datum> data, String metric, Map<String, String> others) {
        List<EmfValidator.Datum> found = data.stream()
                .filter(d -> d.name().equals(metric) && d.dimensions().size() == others.size() + 1
                        && d.dimensions().entrySet().containsAll(others.entrySet()))
                .toList();
        assertThat(found).as("%s by %s in %s", metric, others, data).hasSize(1);
        return found.get(0).value();
    }

    static Set<String> names(List<EmfValidator.Datum> data) {
        return data.stream().map(EmfValidator.Datum::name).collect(Collectors.toSet());
    }

    /** The response or the thrown error. */
    record Answer(byte[] response, JoinException thrown) {
    }

    private static Answer invoke(JoinHandler handler, byte[] event, Context context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            return new Answer(out.toByteArray(), null);
        } catch (JoinException e) {
            return new Answer(null, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] request(String arn, String clientId) {
        return Scenario.request(arn, clientId);
    }
}
