package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a CloudFormation YAML template into a JSON tree, turning short-form intrinsics into their long form
 * ({@code !Ref X} becomes {@code {"Ref": "X"}}), so a check can tell a parameter reference from a literal: Jackson's
 * own tree reader would drop the tags and keep only the values.
 */
public final class CfnYaml {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CfnYaml() {
    }

    public static JsonNode read(Path path) {
        try (YAMLParser parser = new YAMLFactory().createParser(path.toFile())) {
            parser.nextToken();
            return node(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The template's resources of {@code type}, by logical id, in template order. */
    public static Map<String, JsonNode> resourcesOfType(JsonNode template, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.path("Resources").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    private static JsonNode node(YAMLParser parser) throws IOException {
        String tag = parser.getTypeId();
        JsonNode value = switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, node(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.INT
                    ? NODES.numberNode(parser.getIntValue())
                    : NODES.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + parser.currentToken() + " at "
                    + parser.currentLocation());
        };
        return tag == null ? value : intrinsic(tag, value);
    }

    private static JsonNode intrinsic(String tag, JsonNode value) {
        ObjectNode longForm = NODES.objectNode();
        switch (tag) {
            case "Ref", "Condition" -> longForm.set(tag, value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    ArrayNode parts = NODES.arrayNode();
                    Arrays.stream(value.asText().split("\\.", 2)).forEach(parts::add);
                    longForm.set("Fn::GetAtt", parts);
                } else {
                    longForm.set("Fn::GetAtt", value);
                }
            }
            default -> longForm.set("Fn::" + tag, value);
        }
        return longForm;
    }
}
