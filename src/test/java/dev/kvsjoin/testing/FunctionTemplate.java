package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function as {@code template.yaml} declares it, with SAM's defaults and {@code Globals.Function} applied: what
 * a local run needs to start it as Lambda would. {@code !Ref} to a template parameter resolves to the parameter's
 * default, and {@code !Ref AWS::StackName} to {@value #LOCAL_STACK_NAME}, as the SAM CLI's local commands resolve it;
 * any other intrinsic function in a property read here is refused with the property's name.
 *
 * @param applicationLogLevel {@code LoggingConfig.ApplicationLogLevel}, or {@code ""} when not set
 */
public record FunctionTemplate(
        String logicalId,
        String handler,
        String runtime,
        int memoryMb,
        Duration timeout,
        String architecture,
        Map<String, String> environment,
        String logFormat,
        String applicationLogLevel,
        boolean snapStart) {

    static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    /** The stack name of a local run: the SAM CLI's default for {@code AWS::StackName}. */
    public static final String LOCAL_STACK_NAME = "local";

    public FunctionTemplate {
        environment = Map.copyOf(environment);
    }

    /** A tagged YAML node, such as {@code !Ref LogLevel}: the tag without its {@code !}, and the node. */
    record Intrinsic(String tag, Object value) {
    }

    /** Reads the only {@value #FUNCTION_TYPE} of the template. */
    public static FunctionTemplate read(Path template) {
        Map<?, ?> root = parse(template);
        Map<?, ?> resources = map(root.get("Resources"));
        List<String> functions = new ArrayList<>();
        resources.forEach((id, resource) -> {
            if (FUNCTION_TYPE.equals(map(resource).get("Type"))) {
                functions.add(String.valueOf(id));
            }
        });
        if (functions.size() != 1) {
            throw new IllegalStateException(template + ": must declare exactly one " + FUNCTION_TYPE
                    + " (found " + functions + ")");
        }
        return new Reader(template, root, functions.get(0)).function();
    }

    /** The runtime's Java feature version: 25 for {@code java25}. */
    public int javaVersion() {
        if (!runtime.matches("java\\d+(\\.al2)?")) {
            throw new IllegalStateException("Runtime: must be a Java managed runtime such as java21 (received "
                    + RequestCheck.shape(runtime) + ")");
        }
        return Integer.parseInt(runtime.replaceAll("\\D+", " ").strip().split(" ")[0]);
    }

    private static Map<?, ?> parse(Path template) {
        try (JsonParser parser = new YAMLFactory().createParser(Files.newBufferedReader(template))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException(template + ": must be a YAML mapping");
            }
            return (Map<?, ?>) node(parser);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(template + ": not found; run from the repository root", e);
        } catch (IOException e) {
            throw new UncheckedIOException(template + ": cannot be read as YAML", e);
        }
    }

    /** The node at the parser's current token, with tags kept as {@link Intrinsic}s. */
    private static Object node(JsonParser parser) throws IOException {
        Object tag = parser.getTypeId();
        Object value = switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    fields.put(name, node(parser));
                }
                yield fields;
            }
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser));
                }
                yield items;
            }
            case VALUE_NULL -> null;
            default -> parser.getText();
        };
        return tag == null ? value : new Intrinsic(tag.toString(), value);
    }

    private static Map<?, ?> map(Object node) {
        return node instanceof Map<?, ?> m ? m : Map.of();
    }

    /** Reads one function's properties, falling back to Globals.Function and then to SAM's defaults. */
    private record Reader(Path template, Map<?, ?> root, String id) {

        FunctionTemplate function() {
            Map<String, String> environment = new LinkedHashMap<>();
            for (Map<?, ?> properties : List.of(globals(), properties())) {
                map(map(properties.get("Environment")).get("Variables")).forEach((name, value) ->
                        environment.put(String.valueOf(name), scalar("Environment.Variables." + name, value)));
            }
            Object architectures = property("Architectures");
            String architecture = architectures instanceof List<?> list && !list.isEmpty()
                    ? scalar("Architectures", list.get(0)) : "x86_64";
            return new FunctionTemplate(
                    id,
                    text("Handler", null),
                    text("Runtime", null),
                    Integer.parseInt(text("MemorySize", "128")),
                    Duration.ofSeconds(Long.parseLong(text("Timeout", "3"))),
                    architecture,
                    environment,
                    scalar("LoggingConfig.LogFormat", map(property("LoggingConfig")).get("LogFormat"), "Text"),
                    scalar("LoggingConfig.ApplicationLogLevel",
                            map(property("LoggingConfig")).get("ApplicationLogLevel"), ""),
                    !"None".equals(scalar("SnapStart.ApplyOn", map(property("SnapStart")).get("ApplyOn"), "None")));
        }

        private Map<?, ?> properties() {
            return map(map(map(root.get("Resources")).get(id)).get("Properties"));
        }

        private Map<?, ?> globals() {
            return map(map(root.get("Globals")).get("Function"));
        }

        private Object property(String name) {
            Object value = properties().get(name);
            return value != null ? value : globals().get(name);
        }

        private String text(String name, String fallback) {
            String value = scalar(name, property(name), fallback);
            if (value == null) {
                throw new IllegalStateException(template + ": Resources." + id + ".Properties." + name
                        + " is required (neither the function nor Globals.Function sets it)");
            }
            return value;
        }

        private String scalar(String name, Object node) {
            return scalar(name, node, null);
        }

        /** A plain scalar, or {@code !Ref} to a parameter with a default; anything else names the property. */
        private String scalar(String name, Object node, String fallback) {
            if (node == null) {
                return fallback;
            }
            if (node instanceof String text) {
                return text;
            }
            if (node instanceof Intrinsic(String tag, Object value) && tag.equals("Ref") && value instanceof String p) {
                if (p.equals("AWS::StackName")) {
                    return LOCAL_STACK_NAME;
                }
                Object fallbackValue = map(map(root.get("Parameters")).get(p)).get("Default");
                if (fallbackValue instanceof String resolved) {
                    return resolved;
                }
            }
            throw new IllegalStateException(template + ": Resources." + id + ".Properties." + name
                    + ": a local run resolves plain values, !Ref AWS::StackName and !Ref to a parameter with a Default"
                    + " only");
        }
    }
}
