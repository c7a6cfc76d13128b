package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.log.Log;
import dev.kvsjoin.log.Metric;
import dev.kvsjoin.testing.CfnYaml;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.trigger.Trigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Checks the template's operations resources (alarms, dashboard, saved Logs Insights queries) against what the
 * function writes, both ways: nothing they name may be missing from the function's output, and every metric the
 * function writes must be on the dashboard. What the function writes is observed, not listed by hand: every trigger
 * and outcome runs through the handler graph against the local Kinesis Video endpoint (at the INFO and WARN log
 * levels, cold and warm), and the metrics are the ones {@link Metric} declares (JoinHandlerMetricsTest checks that
 * the lines carry exactly those).
 *
 * <p>Template values are compared in one form: {@code !Ref X} as {@code ${X}}, {@code !GetAtt X.Y} as
 * {@code ${X.Y}}, a {@code !Sub} as its string, so that the dashboard's JSON (a {@code !Sub}) and the alarms' YAML
 * name the same things the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTemplateTest {

    static final Path TEMPLATE = Path.of("template.yaml");
    static final Path RUNBOOK = Path.of("docs/OPERATIONS.md");
    static final String NAMESPACE = "${MetricsNamespace}";
    static final String STACK = "${AWS::StackName}";
    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Fields of lines the function does not write that a query may name: Logs Insights' own fields, Lambda's report
     * lines in the JSON log format ({@code type} {@code platform.report}, {@code record}: the Telemetry API's
     * platform.report schema, https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html), and the
     * runtime client's own error line ({@code AWSRequestId}; aws-lambda-java-runtime-interface-client
     * {@code StructuredLogMessage}).
     */
    static final Set<String> OTHER_FIELDS = Set.of("@timestamp", "@message", "@logStream", "@log", "@ingestionTime",
            "type", "record.requestId", "record.status", "record.metrics.durationMs",
            "record.metrics.billedDurationMs", "record.metrics.memorySizeMB", "record.metrics.maxMemoryUsedMB",
            "record.metrics.initDurationMs", "record.metrics.restoreDurationMs",
            "record.metrics.billedRestoreDurationMs", "AWSRequestId");
    static final Set<String> QUERY_WORDS = Set.of("fields", "filter", "stats", "sort", "limit", "display", "parse",
            "dedup", "by", "as", "and", "or", "not", "in", "like", "desc", "asc", "source");
    static final Set<String> LAMBDA_METRICS = Set.of("Errors", "Throttles", "ConcurrentExecutions", "Duration",
            "Invocations");
    static final Set<String> SQS_METRICS = Set.of("ApproximateNumberOfMessagesVisible", "NumberOfMessagesSent",
            "ApproximateAgeOfOldestMessage");
    static final Set<String> STATES_METRICS = Set.of("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed",
            "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled", "ExecutionTime");

    private final JsonNode template = CfnYaml.read(TEMPLATE);
    private final Set<String> loggedFields = new TreeSet<>();
    /** Each use of a metric by the dashboard: namespace, name and the set of dimension keys. */
    private final Set<String> shown = new HashSet<>();
    private LocalKinesisVideo kvs;

    /** One metric a widget or an alarm names. */
    record MetricRef(String where, String namespace, String name, Map<String, String> dimensions) {
    }

    @BeforeAll
    void observeWhatTheFunctionWrites() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
        for (String level : List.of("INFO", "WARN")) {
            List<String> lines = new ArrayList<>();
            JoinHandler handler = LocalHandlers.create(kvs, Map.of("JOIN_MAX_ATTEMPTS", "1",
                            "AWS_LAMBDA_LOG_LEVEL", level),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                    (line, l) -> lines.add(new String(line, StandardCharsets.UTF_8)));
            for (Trigger trigger : Trigger.values()) {
                for (Scenario scenario : Scenario.values()) {
                    invoke(handler, scenario.prepare(kvs, trigger, ARN), scenario.context("req"));
                }
            }
            for (String line : lines) {
                JSON.readTree(line).fieldNames().forEachRemaining(loggedFields::add);
            }
        }
    }

    @AfterAll
    void stop() {
        if (kvs != null) {
            kvs.close();
        }
    }

    @Test
    void observedLines_whenEveryOutcomeRan_carryTheOutcomeFieldsTheQueriesNeed() {
        assertThat(loggedFields).contains("function_request_id", "outcome", "error_code", "channelArn", "clientId",
                "duration_ms", "attempts", "endpoint_cached", "cold_start", "trigger", Log.SERVICE, "_aws");
    }

    @Test
    void dashboard_whenItNamesAMetric_namesOneTheFunctionOrItsResourcesPublish() {
        List<MetricRef> refs = dashboardMetrics();

        assertThat(refs).isNotEmpty();
        refs.forEach(this::assertPublished);
    }

    @Test
    void dashboard_whenTheFunctionWritesAMetric_showsItUnderEveryDimensionSet() {
        dashboardMetrics().forEach(this::assertPublished);
        Set<String> missing = new TreeSet<>();
        for (Metric metric : Metric.values()) {
            for (List<String> set : metric.dimensionSets()) {
                if (!shown.contains(key(NAMESPACE, metric.metricName(), set))) {
                    missing.add(metric.metricName() + " by " + set);
                }
            }
        }

        assertThat(missing).as("metrics the function writes that no widget shows").isEmpty();
    }

    @Test
    void dashboard_whenDeployed_showsLambdasViewOfTheAliasTheQueueAndEveryStateMachine() {
        List<MetricRef> refs = dashboardMetrics();
        Set<String> lambda = refs.stream().filter(r -> r.namespace().equals("AWS/Lambda")).map(MetricRef::name)
                .collect(Collectors.toSet());

        assertThat(lambda).contains("Errors", "Throttles", "ConcurrentExecutions", "Duration");
        assertThat(refs).anySatisfy(r -> assertThat(r.name()).isEqualTo("ApproximateNumberOfMessagesVisible"));
        for (String machine : resourcesOfType("AWS::Serverless::StateMachine").keySet()) {
            assertThat(refs).as("executions of %s (see the note in the dashboard body)", machine)
                    .anySatisfy(r -> {
                        assertThat(r.name()).isEqualTo("ExecutionsFailed");
                        assertThat(r.dimensions()).containsEntry("StateMachineArn", "${" + machine + "}");
                    });
        }
    }

    @Test
    void dashboard_whenItShowsAlarmsAndThresholds_matchesTheAlarms() {
        List<String> alarmArns = new ArrayList<>();
        JsonNode duration = null;
        for (JsonNode widget : dashboard().path("widgets")) {
            if (widget.path("type").asText().equals("alarm")) {
                widget.path("properties").path("alarms").forEach(a -> alarmArns.add(a.asText()));
            }
            if (widget.path("properties").path("title").asText().startsWith("Join duration")) {
                duration = widget;
            }
        }

        assertThat(alarmArns).containsExactlyInAnyOrderElementsOf(alarms().keySet().stream()
                .map(id -> "${" + id + ".Arn}").toList());
        assertThat(duration).isNotNull();
        List<Double> lines = new ArrayList<>();
        duration.path("properties").path("annotations").path("horizontal")
                .forEach(a -> lines.add(a.path("value").asDouble()));
        assertThat(lines).containsExactlyInAnyOrder(
                alarm("JoinDurationNearTimeoutAlarm").path("Threshold").asDouble(), timeoutMillis());
    }

    @Test
    void alarms_whenTheyNameMetrics_nameOnesThatArePublished() {
        alarms().forEach((id, alarm) -> {
            List<MetricRef> refs = alarmMetrics(id, alarm);
            assertThat(refs).as(id).isNotEmpty();
            refs.forEach(this::assertPublished);
        });
    }

    @Test
    void alarms_whenDeployed_coverEveryFailureTheRunbookNamesAndNotifyTheTopic() {
        Map<String, JsonNode> alarms = alarms();

        assertThat(alarms.keySet()).containsExactlyInAnyOrder("FunctionFailingAlarm", "KinesisVideoThrottlingAlarm",
                "AccessDeniedAlarm", "UpstreamFailingAlarm", "JoinDurationNearTimeoutAlarm", "LambdaThrottlesAlarm",
                "FailedJoinsAlarm");
        assertThat(reasons("FunctionFailingAlarm")).containsExactly("InternalError");
        assertThat(names("FunctionFailingAlarm")).contains("AWS/Lambda Errors", NAMESPACE + " ErrorsRaised");
        assertThat(reasons("KinesisVideoThrottlingAlarm")).containsExactly("Throttled");
        assertThat(reasons("AccessDeniedAlarm")).containsExactly("AccessDenied");
        assertThat(alarm("AccessDeniedAlarm").path("Threshold").asInt()).as("pages at the first one").isEqualTo(1);
        assertThat(alarm("AccessDeniedAlarm").path("Period").asInt()).isLessThanOrEqualTo(60);
        assertThat(reasons("UpstreamFailingAlarm")).contains("UpstreamUnavailable");
        assertThat(names("LambdaThrottlesAlarm")).containsExactly("AWS/Lambda Throttles");
        assertThat(names("JoinDurationNearTimeoutAlarm")).containsExactly(NAMESPACE + " JoinDuration");
        assertThat(alarm("JoinDurationNearTimeoutAlarm").path("ExtendedStatistic").asText()).isEqualTo("p99");
        assertThat(alarm("JoinDurationNearTimeoutAlarm").path("Threshold").asDouble())
                .as("75 % of the function's timeout").isEqualTo(0.75 * timeoutMillis());
        String topic = "{\"Fn::If\":[\"HasAlarmTopic\",[{\"Ref\":\"AlarmTopicArn\"}],{\"Ref\":\"AWS::NoValue\"}]}";
        alarms.forEach((id, alarm) -> {
            assertThat(alarm.path("AlarmActions").toString()).as(id).isEqualTo(topic);
            assertThat(alarm.path("OKActions").toString()).as(id).isEqualTo(topic);
            assertThat(alarm.path("TreatMissingData").asText()).as(id).isEqualTo("notBreaching");
            assertThat(alarm.path("AlarmDescription").asText()).as(id)
                    .contains("docs/OPERATIONS.md#" + id.toLowerCase(Locale.ROOT));
        });
    }

    @Test
    void runbook_whenAnAlarmExists_hasItsSectionWithMeaningFirstStepsAndFix() throws IOException {
        String runbook = Files.readString(RUNBOOK);
        Set<String> queries = new LinkedHashSet<>();
        resourcesOfType("AWS::Logs::QueryDefinition").values().forEach(q ->
                queries.add(q.path("Properties").path("Name").path("Fn::Sub").asText().replace(STACK + "/", "")));

        for (String id : alarms().keySet()) {
            int start = runbook.indexOf("\n### " + id + "\n");
            assertThat(start).as("a section \"### %s\" in %s", id, RUNBOOK).isPositive();
            int end = runbook.indexOf("\n### ", start + 1);
            String section = runbook.substring(start, end < 0 ? runbook.length() : end);
            assertThat(section).as(id).contains("**What it means**", "**First three things to look at**",
                    "**What fixes it**", "Threshold");
            assertThat(queries).as("%s names a saved query", id).anySatisfy(q -> assertThat(section).contains(q));
        }
    }

    @Test
    void queries_whenSaved_readTheFunctionsLogGroupAndNameOnlyFieldsItWrites() {
        Map<String, JsonNode> queries = resourcesOfType("AWS::Logs::QueryDefinition");
        Set<String> names = new TreeSet<>();

        assertThat(queries).isNotEmpty();
        queries.forEach((id, query) -> {
            JsonNode properties = query.path("Properties");
            names.add(properties.path("Name").path("Fn::Sub").asText());
            assertThat(properties.path("LogGroupNames").toString()).as(id)
                    .isEqualTo("[{\"Ref\":\"JoinFunctionLogGroup\"}]");
            assertThat(unknownFields(properties.path("QueryString").asText())).as(id).isEmpty();
        });
        assertThat(names).allSatisfy(n -> assertThat(n).startsWith(STACK + "/"));
        assertThat(names).anySatisfy(n -> assertThat(n).contains("Failures by reason and channel"))
                .anySatisfy(n -> assertThat(n).contains("Slowest joins"))
                .anySatisfy(n -> assertThat(n).contains("Client ids"))
                .anySatisfy(n -> assertThat(n).contains("Cold starts"))
                .anySatisfy(n -> assertThat(n).contains("request id"));
    }

    @Test
    void dashboard_whenALogWidgetQueries_namesOnlyFieldsTheFunctionWrites() {
        List<String> queries = new ArrayList<>();
        dashboard().path("widgets").forEach(w -> {
            if (w.path("type").asText().equals("log")) {
                queries.add(w.path("properties").path("query").asText());
            }
        });

        assertThat(queries).isNotEmpty().allSatisfy(q -> {
            assertThat(q).startsWith("SOURCE '${JoinFunctionLogGroup}'");
            assertThat(unknownFields(q)).isEmpty();
        });
    }

    @Test
    void unknownFields_whenAQueryNamesAFieldNobodyWrites_findsIt() {
        assertThat(unknownFields("fields @timestamp, outcome, nope | filter not_a_key = \"channelArn\""
                + " | stats count(*) as n by bin(5m) | sort n desc")).containsExactlyInAnyOrder("nope", "not_a_key");
    }

    // --- what the function publishes

    /** Fails unless the metric is one the function writes, or one of Lambda's, SQS's or Step Functions' for this stack. */
    private void assertPublished(MetricRef ref) {
        Map<String, String> dims = ref.dimensions();
        switch (ref.namespace()) {
            case NAMESPACE -> {
                Metric metric = Arrays.stream(Metric.values()).filter(m -> m.metricName().equals(ref.name()))
                        .findFirst().orElse(null);
                assertThat(metric).as("%s: %s is not a metric the function writes", ref.where(), ref.name())
                        .isNotNull();
                assertThat(metric.dimensionSets().stream().map(Set::copyOf).toList())
                        .as("%s: %s by %s", ref.where(), ref.name(), dims.keySet()).contains(dims.keySet());
                assertThat(dims).as(ref.where()).containsEntry(Log.SERVICE, STACK);
                if (dims.containsKey("trigger")) {
                    assertThat(Arrays.stream(Trigger.values()).map(Trigger::logName))
                            .as(ref.where()).contains(dims.get("trigger"));
                }
                if (dims.containsKey("error_code")) {
                    assertThat(Arrays.stream(Reason.values()).map(Reason::code))
                            .as(ref.where()).contains(dims.get("error_code"));
                }
                shown.add(key(ref.namespace(), ref.name(), dims.keySet()));
            }
            case "AWS/Lambda" -> {
                assertThat(LAMBDA_METRICS).as(ref.where()).contains(ref.name());
                assertThat(dims).as(ref.where()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "FunctionName", "${JoinFunction}", "Resource", "${JoinFunction}:" + alias()));
            }
            case "AWS/SQS" -> {
                assertThat(SQS_METRICS).as(ref.where()).contains(ref.name());
                assertThat(dims).as(ref.where())
                        .containsExactlyEntriesOf(Map.of("QueueName", "${FailedJoinsQueue.QueueName}"));
            }
            case "AWS/States" -> {
                assertThat(STATES_METRICS).as(ref.where()).contains(ref.name());
                assertThat(dims.keySet()).as(ref.where()).containsExactly("StateMachineArn");
                assertThat(resourcesOfType("AWS::Serverless::StateMachine").keySet().stream()
                        .map(id -> "${" + id + "}")).as(ref.where()).contains(dims.get("StateMachineArn"));
            }
            default -> throw new AssertionError(ref.where() + ": namespace " + ref.namespace()
                    + " is neither the function's nor one of its resources'");
        }
    }

    private static String key(String namespace, String name, java.util.Collection<String> dimensions) {
        return namespace + " " + name + " " + new TreeSet<>(dimensions);
    }

    /** The names a query uses as fields that no line of the function (or of Lambda) has. */
    private Set<String> unknownFields(String query) {
        String code = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ").replaceAll("'[^']*'", " ")
                .replaceAll("/(?:[^/\\\\]|\\\\.)+/", " ");
        Set<String> aliases = new HashSet<>();
        Matcher alias = Pattern.compile("\\bas\\s+([A-Za-z_][\\w.]*)").matcher(code);
        while (alias.find()) {
            aliases.add(alias.group(1));
        }
        Set<String> unknown = new TreeSet<>();
        Matcher token = Pattern.compile("(?<![\\w.@])[@A-Za-z_][\\w.@]*(\\s*\\()?").matcher(code);
        while (token.find()) {
            String name = token.group().replaceAll("\\s*\\($", "");
            boolean function = token.group().endsWith("(");
            if (!function && !QUERY_WORDS.contains(name.toLowerCase(Locale.ROOT)) && !aliases.contains(name)
                    && !OTHER_FIELDS.contains(name) && !loggedFields.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    // --- the template

    private JsonNode dashboard() {
        JsonNode body = resource("OperationsDashboard").path("Properties").path("DashboardBody");
        JsonNode join = body.path("Fn::Join");
        assertThat(join.path(0).asText()).isEmpty();
        StringBuilder json = new StringBuilder();
        join.path(1).forEach(conditional -> {
            // A part shown only with a condition (the fleet's) is read as deployed with it.
            JsonNode part = conditional.has("Fn::If") ? conditional.path("Fn::If").get(1) : conditional;
            assertThat(part.path("Fn::Sub").isTextual()).as("each part is a !Sub string").isTrue();
            json.append(part.path("Fn::Sub").asText());
        });
        try {
            return JSON.readTree(json.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("DashboardBody is not JSON once joined", e);
        }
    }

    /** Every metric the dashboard's widgets name, directly or through a SEARCH expression. */
    private List<MetricRef> dashboardMetrics() {
        List<MetricRef> refs = new ArrayList<>();
        for (JsonNode widget : dashboard().path("widgets")) {
            String title = widget.path("properties").path("title").asText();
            for (JsonNode row : widget.path("properties").path("metrics")) {
                if (row.size() == 1 && row.get(0).isObject()) {
                    String expression = row.get(0).path("expression").asText();
                    refs.addAll(searched(title, expression));
                    continue;
                }
                List<String> values = new ArrayList<>();
                row.forEach(v -> {
                    if (v.isTextual()) {
                        values.add(v.asText());
                    }
                });
                assertThat(values).as("%s: a row names namespace, metric and dimension pairs in full (no \".\")",
                        title).doesNotContain(".").hasSizeGreaterThanOrEqualTo(2);
                assertThat(values.size() % 2).as(title).isZero();
                Map<String, String> dimensions = new LinkedHashMap<>();
                for (int i = 2; i < values.size(); i += 2) {
                    dimensions.put(values.get(i), values.get(i + 1));
                }
                refs.add(new MetricRef("widget \"" + title + "\"", values.get(0), values.get(1), dimensions));
            }
        }
        return refs;
    }

    /** The metrics a {@code SEARCH('{namespace,keys} MetricName="..." key="value"', ...)} expression shows. */
    private static List<MetricRef> searched(String title, String expression) {
        Matcher search = Pattern.compile("SEARCH\\('\\{((?:\\$\\{[^}]*}|[^}])*)}(.*?)',").matcher(expression);
        if (!search.find()) {
            return List.of();
        }
        List<String> schema = Arrays.stream(search.group(1).split(",")).map(s -> s.strip().replace("\"", ""))
                .toList();
        Map<String, String> terms = new LinkedHashMap<>();
        List<String> metricNames = new ArrayList<>();
        Matcher term = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(search.group(2));
        while (term.find()) {
            if (term.group(1).equals("MetricName")) {
                metricNames.add(term.group(2));
            } else {
                terms.put(term.group(1), term.group(2));
            }
        }
        assertThat(metricNames).as("%s: SEARCH names its metrics", title).isNotEmpty();
        List<MetricRef> refs = new ArrayList<>();
        for (String name : metricNames) {
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (String key : schema.subList(1, schema.size())) {
                dimensions.put(key, terms.getOrDefault(key, key.equals(Log.SERVICE) ? "" : exampleValue(key)));
            }
            refs.add(new MetricRef("SEARCH in \"" + title + "\"", schema.get(0), name, dimensions));
        }
        return refs;
    }

    /** A value the function writes for a dimension a SEARCH leaves open (all of them are shown). */
    private static String exampleValue(String key) {
        return switch (key) {
            case "trigger" -> Trigger.DIRECT.logName();
            case "error_code" -> Reason.THROTTLED.code();
            default -> key;
        };
    }

    private Map<String, JsonNode> alarms() {
        Map<String, JsonNode> alarms = new LinkedHashMap<>();
        resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> alarms.put(id, alarm.path("Properties")));
        return alarms;
    }

    private JsonNode alarm(String id) {
        JsonNode alarm = alarms().get(id);
        assertThat(alarm).as("alarm %s", id).isNotNull();
        return alarm;
    }

    private List<MetricRef> alarmMetrics(String id, JsonNode alarm) {
        List<MetricRef> refs = new ArrayList<>();
        if (alarm.has("MetricName")) {
            refs.add(metricRef("alarm " + id, alarm));
        }
        alarm.path("Metrics").forEach(m -> {
            if (m.has("MetricStat")) {
                refs.add(metricRef("alarm " + id + "." + m.path("Id").asText(), m.path("MetricStat").path("Metric")));
            }
        });
        return refs;
    }

    private static MetricRef metricRef(String where, JsonNode metric) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        metric.path("Dimensions").forEach(d -> dimensions.put(d.path("Name").asText(), value(d.path("Value"))));
        return new MetricRef(where, value(metric.path("Namespace")), metric.path("MetricName").asText(), dimensions);
    }

    private Set<String> reasons(String alarmId) {
        Set<String> codes = new TreeSet<>();
        alarmMetrics(alarmId, alarm(alarmId)).forEach(r -> {
            if (r.dimensions().containsKey("error_code")) {
                codes.add(r.dimensions().get("error_code"));
            }
        });
        return codes;
    }

    private Set<String> names(String alarmId) {
        return alarmMetrics(alarmId, alarm(alarmId)).stream().map(r -> r.namespace() + " " + r.name())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A template value in one form: {@code ${X}} for a Ref, {@code ${X.Y}} for a GetAtt, a Sub's string. */
    private static String value(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.has("Ref")) {
            return "${" + node.path("Ref").asText() + "}";
        }
        if (node.has("Fn::GetAtt")) {
            return "${" + node.path("Fn::GetAtt").get(0).asText() + "." + node.path("Fn::GetAtt").get(1).asText()
                    + "}";
        }
        if (node.path("Fn::Sub").isTextual()) {
            return node.path("Fn::Sub").asText();
        }
        throw new AssertionError("unexpected template value " + node);
    }

    private String alias() {
        return resourcesOfType("AWS::Serverless::Function").values().iterator().next()
                .path("Properties").path("AutoPublishAlias").asText();
    }

    private double timeoutMillis() {
        return resourcesOfType("AWS::Serverless::Function").values().iterator().next()
                .path("Properties").path("Timeout").asDouble() * 1000;
    }

    private JsonNode resource(String id) {
        JsonNode resource = template.path("Resources").path(id);
        assertThat(resource.isObject()).as("resource %s", id).isTrue();
        return resource;
    }

    private Map<String, JsonNode> resourcesOfType(String type) {
        return CfnYaml.resourcesOfType(template, type);
    }

    private static void invoke(JoinHandler handler, byte[] event, Context context) {
        try {
            handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
        } catch (JoinException expected) {
            // the outcome is in the log line either way
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
