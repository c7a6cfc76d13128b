package dev.kvsjoin.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParseException;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Reads JSON into plain Java values and writes JSON, with the Jackson streaming core that the SDK already loads for
 * every service call. Objects become {@code Map<String, Object>} (insertion order kept), arrays {@code List<Object>},
 * numbers {@code Long} or {@code Double}, and JSON {@code null} Java {@code null}.
 */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Parses one JSON document, rejecting trailing content. */
    public static Object parse(byte[] json) throws JsonSyntaxException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonSyntaxException("is empty");
            }
            Object value = read(parser, first);
            if (parser.nextToken() != null) {
                throw new JsonSyntaxException("has content after the JSON value");
            }
            return value;
        } catch (JsonParseException e) {
            throw new JsonSyntaxException("is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new JsonSyntaxException("could not be read");
        }
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(read(parser, t));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) parser.getDoubleValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonSyntaxException("has an unexpected token");
        };
    }

    /** Writes one JSON document with the given writer; every string is escaped by the generator. */
    public static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            writer.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The body of a {@link #write} call. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator generator) throws IOException;
    }

    /** A document that is not JSON; the message describes where, never what. */
    public static final class JsonSyntaxException extends RuntimeException {

        JsonSyntaxException(String message) {
            super(message, null, false, false);
        }
    }
}
