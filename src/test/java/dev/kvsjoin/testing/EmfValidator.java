package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one log event against the CloudWatch embedded metric format: the JSON schema written from the
 * specification ({@code schemas/emf.schema.json}), then the rules a schema cannot express (origins of both in
 * {@code src/test/resources/schemas/SOURCES.md}). Also reads the metrics out of a valid event as CloudWatch would:
 * one datum per metric and dimension set.
 */
public final class EmfValidator {

    static final int MAX_EVENT_BYTES = 1024 * 1024;
    static final int MAX_DIMENSION_VALUE = 1024;
    static final int MAX_VALUES = 100;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SchemaLocation.of("classpath:schemas/emf.schema.json"));

    /** One value CloudWatch extracts: a metric under one dimension set. */
    public record Datum(String namespace, String name, String unit, double value, Map<String, String> dimensions) {
    }

    private EmfValidator() {
    }

    /** Whether the event carries embedded metrics at all (an {@code _aws} member). */
    public static boolean isEmf(String event) {
        try {
            JsonNode root = JSON.readTree(event);
            return root != null && root.isObject() && root.has("_aws");
        } catch (IOException e) {
            return false;
        }
    }

    /** Every way the event breaks the format; empty when it is a valid embedded metric format document. */
    public static List<String> problems(String event) {
        List<String> problems = new ArrayList<>();
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_EVENT_BYTES) {
            problems.add("event: " + bytes.length + " bytes, over the 1 MB limit");
        }
        String body = event.endsWith("\n") ? event.substring(0, event.length() - 1) : event;
        if (!body.startsWith("{") || !body.endsWith("}")) {
            problems.add("event: must be one JSON object with nothing before or after it");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            problems.add("event: not one JSON object (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return problems;
        }
        if (root == null || !root.isObject()) {
            problems.add("event: not a JSON object");
            return problems;
        }
        for (ValidationMessage message : SCHEMA.validate(root)) {
            problems.add("schema: " + message.getMessage());
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        int index = 0;
        for (JsonNode directive : root.path("_aws").path("CloudWatchMetrics")) {
            String where = "CloudWatchMetrics[" + index++ + "]";
            if (directive.path("Namespace").asText().startsWith("AWS/")) {
                problems.add(where + ".Namespace: AWS/ is reserved for AWS services");
            }
            for (JsonNode set : directive.path("Dimensions")) {
                for (JsonNode key : set) {
                    JsonNode member = root.get(key.asText());
                    if (member == null) {
                        problems.add(where + ": dimension " + key.asText() + " is not a root member");
                    } else if (!member.isTextual()) {
                        problems.add(where + ": dimension " + key.asText() + " is not a string");
                    } else if (member.asText().isEmpty() || member.asText().length() > MAX_DIMENSION_VALUE) {
                        problems.add(where + ": dimension " + key.asText() + " must be 1 to 1024 characters");
                    }
                }
            }
            Set<String> names = new HashSet<>();
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                if (!names.add(name)) {
                    problems.add(where + ": metric " + name + " is defined twice");
                }
                problems.addAll(targetProblems(where, name, root.get(name)));
            }
        }
        return problems;
    }

    private static List<String> targetProblems(String where, String name, JsonNode target) {
        String prefix = where + ": metric " + name;
        if (target == null) {
            return List.of(prefix + " is not a root member");
        }
        if (target.isNumber()) {
            return Double.isFinite(target.asDouble()) ? List.of() : List.of(prefix + " is not finite");
        }
        if (!target.isArray()) {
            return List.of(prefix + " is neither a number nor an array of numbers");
        }
        List<String> problems = new ArrayList<>();
        if (target.size() > MAX_VALUES) {
            problems.add(prefix + " has " + target.size() + " values, over 100");
        }
        for (JsonNode value : target) {
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                problems.add(prefix + " holds a value that is not a finite number");
            }
        }
        return problems;
    }

    /** Asserts the event is a valid embedded metric format document, and returns it parsed. */
    public static JsonNode assertValid(String event) {
        assertThat(problems(event)).as("embedded metric format problems of %s", event).isEmpty();
        try {
            return JSON.readTree(event);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts the limits of the specification's older versions: 9 keys per set, 255-character names, 256 KB. */
    public static void assertWithinOlderLimits(String event) {
        JsonNode root = assertValid(event);
        assertThat(event.getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024);
        for (JsonNode directive : root.path("_aws").path("CloudWatchMetrics")) {
            for (JsonNode set : directive.path("Dimensions")) {
                assertThat(set.size()).isLessThanOrEqualTo(9);
                set.forEach(key -> assertThat(key.asText().length()).isLessThanOrEqualTo(255));
            }
            directive.path("Metrics")
                    .forEach(m -> assertThat(m.path("Name").asText().length()).isLessThanOrEqualTo(255));
        }
    }

    /** The data CloudWatch extracts from a valid document: one per metric, dimension set and value. */
    public static List<Datum> data(JsonNode root) {
        List<Datum> data = new ArrayList<>();
        for (JsonNode directive : root.path("_aws").path("CloudWatchMetrics")) {
            String namespace = directive.path("Namespace").asText();
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                String unit = metric.path("Unit").asText("None");
                JsonNode target = root.get(name);
                List<Double> values = new ArrayList<>();
                if (target.isArray()) {
                    target.forEach(v -> values.add(v.asDouble()));
                } else {
                    values.add(target.asDouble());
                }
                for (JsonNode set : directive.path("Dimensions")) {
                    Map<String, String> dimensions = new LinkedHashMap<>();
                    set.forEach(key -> dimensions.put(key.asText(), root.get(key.asText()).asText()));
                    for (double value : values) {
                        data.add(new Datum(namespace, name, unit, value, Collections.unmodifiableMap(dimensions)));
                    }
                }
            }
        }
        return data;
    }
}
