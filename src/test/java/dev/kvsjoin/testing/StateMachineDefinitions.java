package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state machine definitions of {@code template.yaml} as Step Functions receives them: every
 * {@code ${name}} replaced by its {@code DefinitionSubstitutions} value. A substitution that is a {@code !Ref} to a
 * template parameter takes the parameter's default; any other reference takes the value the caller gives for it,
 * such as a realistic alias ARN for {@code JoinFunction.Alias}.
 */
public final class StateMachineDefinitions {

    static final String STATE_MACHINE_TYPE = "AWS::Serverless::StateMachine";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Values of a deployed stack for the template's references, by {@code Ref} target. */
    public static final Map<String, String> SAMPLE_STACK = Map.of(
            "JoinFunction.Alias",
            "arn:aws:lambda:us-west-2:123456789012:function:kvs-join-JoinFunction-Ab12Cd34Ef56:live",
            "FleetResultsBucket", "kvs-join-fleetresultsbucket-1a2b3c4d5e6f");

    private StateMachineDefinitions() {
    }

    /** Every state machine's definition by logical id, substituted with {@link #SAMPLE_STACK}. */
    public static Map<String, ObjectNode> read(Path template) {
        return read(template, SAMPLE_STACK);
    }

    /** Every state machine's definition by logical id, substituted; throws naming a placeholder left without value. */
    public static Map<String, ObjectNode> read(Path template, Map<String, String> references) {
        JsonNode root = CfnYaml.read(template);
        Map<String, ObjectNode> definitions = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(e -> {
            if (STATE_MACHINE_TYPE.equals(e.getValue().path("Type").asText())) {
                definitions.put(e.getKey(), substituted(e.getKey(), e.getValue().path("Properties"),
                        root.path("Parameters"), references));
            }
        });
        return definitions;
    }

    private static ObjectNode substituted(String id, JsonNode properties, JsonNode parameters,
                                          Map<String, String> references) {
        JsonNode definition = properties.path("Definition");
        if (!definition.isObject()) {
            throw new IllegalStateException(id + ": expected an inline Definition");
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.path("DefinitionSubstitutions").properties().forEach(e ->
                values.put(e.getKey(), value(id, e.getKey(), e.getValue(), parameters, references)));
        try {
            Matcher m = PLACEHOLDER.matcher(JSON.writeValueAsString(definition));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalStateException(id + ": ${" + m.group(1) + "} is not in DefinitionSubstitutions");
                }
                // Inside a JSON string: escaped as one.
                String escaped = JSON.writeValueAsString(value);
                m.appendReplacement(out, Matcher.quoteReplacement(escaped.substring(1, escaped.length() - 1)));
            }
            m.appendTail(out);
            return (ObjectNode) JSON.readTree(out.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(id + ": " + e.getMessage(), e);
        }
    }

    private static String value(String id, String name, JsonNode node, JsonNode parameters,
                                Map<String, String> references) {
        String target = node.path("Ref").asText(null);
        if (target == null || node.size() != 1) {
            throw new IllegalStateException(id + ": substitution " + name + " must be a !Ref (found " + node + ")");
        }
        if (references.containsKey(target)) {
            return references.get(target);
        }
        JsonNode parameterDefault = parameters.path(target).path("Default");
        if (!parameterDefault.isValueNode()) {
            throw new IllegalStateException(id + ": substitution " + name + " refers to " + target
                    + ", which is neither a parameter with a default nor a given reference");
        }
        return parameterDefault.asText();
    }
}
