package dev.kvsjoin.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.testing.EmfValidator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogTest {

    private final List<String> lines = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final Log log = new Log((line, level) -> {
        lines.add(new String(line, StandardCharsets.UTF_8));
        levels.add(level);
    }, Level.INFO, "svc", () -> 1_700_000_000_123L);

    @Test
    void write_producesOneJsonObjectPerLineWithPowertoolsKeys() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_request_id", "r-1");
        fields.put("cold_start", true);
        fields.put("attempts", 2);
        fields.put("duration_ms", 15L);
        fields.put("problems", List.of("a", "b"));
        fields.put("absent", null);

        log.write(Level.INFO, "session joined", fields);

        assertThat(lines).singleElement().asString().endsWith("\n").doesNotContain("absent");
        String line = lines.get(0);
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("timestamp").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("session joined");
        assertThat(json.get("service").asText()).isEqualTo("svc");
        assertThat(json.get("cold_start").isBoolean()).isTrue();
        assertThat(json.get("attempts").asInt()).isEqualTo(2);
        assertThat(json.get("problems").size()).isEqualTo(2);
        assertThat(levels).containsExactly(Level.INFO);
    }

    @Test
    void write_whenValueTriesToForgeLineOrField_staysOneLineAndOneField() throws Exception {
        String hostile = "x\"}\n{\"level\":\"ERROR\",\"message\":\"forged\u2028\u0000";

        log.write(Level.INFO, "m", Map.of("clientId", hostile));

        assertThat(lines).singleElement();
        String line = lines.get(0);
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("clientId").asText()).isEqualTo(hostile);
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("m");
    }

    @Test
    void write_whenBelowMinimumLevel_writesNothing() {
        log.write(Level.DEBUG, "noise", Map.of());

        assertThat(lines).isEmpty();
        assertThat(log.isEnabled(Level.DEBUG)).isFalse();
        assertThat(log.isEnabled(Level.WARN)).isTrue();
    }

    @Test
    void parse_acceptsLambdaAndPowertoolsNames() {
        assertThat(Level.parse("TRACE")).isEqualTo(Level.DEBUG);
        assertThat(Level.parse("debug")).isEqualTo(Level.DEBUG);
        assertThat(Level.parse(" WARN ")).isEqualTo(Level.WARN);
        assertThat(Level.parse("FATAL")).isEqualTo(Level.ERROR);
        assertThat(Level.parse("LOUD")).isNull();
    }

    private final Log metricsLog = new Log((line, level) -> {
        lines.add(new String(line, StandardCharsets.UTF_8));
        levels.add(level);
    }, Level.INFO, "svc", () -> 1_700_000_000_123L, "Ns");

    private static Map<String, Object> failure() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_request_id", "r-1");
        fields.put("trigger", "direct");
        fields.put("channelArn", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1");
        fields.put("outcome", "rejected");
        fields.put("error_code", "Throttled");
        fields.put("duration_ms", 12L);
        return fields;
    }

    private static MetricValues failureMetrics() {
        return new MetricValues(1_700_000_000_000L).put(Metric.JOINED, false).put(Metric.FAILED, true)
                .put(Metric.JOIN_DURATION, 12L).put(Metric.COLD_START, true);
    }

    @Test
    void write_whenMetricsGiven_embedsThemInTheSameLineAsEmf() throws Exception {
        metricsLog.write(Level.WARN, "join rejected", failure(), failureMetrics());

        assertThat(lines).singleElement();
        JsonNode json = EmfValidator.assertValid(lines.get(0));
        EmfValidator.assertWithinOlderLimits(lines.get(0));
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("channelArn").asText()).as("log fields stay").startsWith("arn:");
        assertThat(json.get("Failed").asLong()).isEqualTo(1);
        assertThat(json.get("_aws").get("Timestamp").asLong()).as("the invocation's start, not the write time")
                .isEqualTo(1_700_000_000_000L);
        assertThat(EmfValidator.data(json)).extracting(d -> d.name() + " " + d.dimensions() + " " + d.value())
                .containsExactlyInAnyOrder(
                        "Joined {service=svc} 0.0", "Joined {service=svc, trigger=direct} 0.0",
                        "Failed {service=svc} 1.0", "Failed {service=svc, trigger=direct} 1.0",
                        "Failed {service=svc, error_code=Throttled} 1.0",
                        "JoinDuration {service=svc} 12.0", "ColdStart {service=svc} 1.0");
        assertThat(EmfValidator.data(json)).allSatisfy(d -> assertThat(d.namespace()).isEqualTo("Ns"));
        assertThat(levels).containsExactly(Level.WARN);
    }

    @Test
    void write_whenJoined_publishesNoReasonDimension() {
        Map<String, Object> fields = failure();
        fields.remove("error_code");
        fields.put("outcome", "joined");

        metricsLog.write(Level.INFO, "session joined", fields,
                new MetricValues(1L).put(Metric.JOINED, true).put(Metric.FAILED, false));

        JsonNode json = EmfValidator.assertValid(lines.get(0));
        assertThat(EmfValidator.data(json)).noneSatisfy(d -> assertThat(d.dimensions()).containsKey("error_code"));
        assertThat(json.get("_aws").get("CloudWatchMetrics")).as("one directive for both counts").hasSize(1);
    }

    @Test
    void write_whenLevelBelowTheLogs_writesTheMetricsAloneAtTheLowestLevelLetThrough() {
        Log warnOnly = new Log((line, level) -> {
            lines.add(new String(line, StandardCharsets.UTF_8));
            levels.add(level);
        }, Level.WARN, "svc", () -> 1_700_000_000_123L, "Ns");

        warnOnly.write(Level.INFO, "join rejected", failure(), failureMetrics());

        JsonNode json = EmfValidator.assertValid(lines.get(0));
        assertThat(levels).containsExactly(Level.WARN);
        assertThat(json.has("level")).as("not a warning: no level key").isFalse();
        assertThat(json.get("message").asText()).isEqualTo(Log.METRICS_ONLY);
        assertThat(json.get("function_request_id").asText()).isEqualTo("r-1");
        assertThat(json.has("channelArn")).as("only what the metrics need").isFalse();
        assertThat(json.get("error_code").asText()).isEqualTo("Throttled");
        assertThat(EmfValidator.data(json)).hasSize(7);
    }

    @Test
    void write_whenMetricsOff_writesThePlainLineOrNothing() throws Exception {
        log.write(Level.INFO, "join rejected", failure(), failureMetrics());
        log.write(Level.DEBUG, "join rejected", failure(), failureMetrics());

        assertThat(lines).singleElement();
        assertThat(new ObjectMapper().readTree(lines.get(0)).has("_aws")).isFalse();
        assertThat(EmfValidator.isEmf(lines.get(0))).isFalse();
    }

    @Test
    void write_whenBatchSummary_embedsBatchAndInvocationMetrics() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_request_id", "r-2");
        fields.put("trigger", "apigateway-http");

        metricsLog.write(Level.INFO, "batch done", fields, new MetricValues(5L).put(Metric.BATCH_ITEMS, 50L)
                .put(Metric.BATCH_DURATION, 5_300L).put(Metric.COLD_START, false).put(Metric.ERRORS_RAISED, false));

        JsonNode json = EmfValidator.assertValid(lines.get(0));
        assertThat(EmfValidator.data(json)).extracting(EmfValidator.Datum::name)
                .containsExactly("ColdStart", "ErrorsRaised", "BatchItems", "BatchDuration");
    }

    @Test
    void metrics_whenDeclared_haveDistinctNamesAndServiceFirstInEverySet() {
        assertThat(Metric.values()).extracting(Metric::metricName).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches("[A-Z][A-Za-z]+"));
        for (Metric metric : Metric.values()) {
            assertThat(metric.unit()).isIn("Count", "Milliseconds");
            assertThat(metric.dimensionSets()).isNotEmpty()
                    .allSatisfy(set -> assertThat(set).first().isEqualTo(Log.SERVICE))
                    .allSatisfy(set -> assertThat(set).hasSizeLessThanOrEqualTo(2));
        }
    }
}
