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
import software.amazon.awssdk.thirdparty.jackson.core.JsonLocation;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadConstraints;
import software.amazon.awssdk.thirdparty.jackson.core.exc.StreamConstraintsException;
import software.amazon.awssdk.thirdparty.jackson.core.exc.StreamReadException;

/**
 * Reads JSON into plain Java values and writes JSON, with the Jackson streaming core that the SDK already loads for
 * every service call. Objects become {@code Map<String, Object>} (insertion order kept), arrays {@code List<Object>},
 * numbers {@code Long} or {@code Double}, and JSON {@code null} Java {@code null}.
 *
 * <p>Reading is strict, and every limit is explicit: a document must be well-formed UTF-8 (RFC 8259; a leading byte
 * order mark is ignored), hold one JSON value, no object with a key twice and no string with an unpaired surrogate
 * escape, and stay within the limits below. A violation is reported by what and where, never by echoing content.
 */
public final class Json {

    /** Objects and arrays nested deeper than this are rejected (an API Gateway event nests six levels). */
    public static final int MAX_DEPTH = 32;
    /** Digits in one number (Jackson's count: the digits of the integer, fraction and exponent parts). */
    public static final int MAX_NUMBER_DIGITS = 64;
    /** Characters (Unicode code points) in one string value: room for a 1 MiB request, base64-encoded. */
    public static final int MAX_STRING_CHARS = 2 * 1024 * 1024;
    /** Characters (code points) in one key: above API Gateway's 10 KB limit on a request's headers and URL. */
    public static final int MAX_KEY_CHARS = 16 * 1024;
    /** Tokens (brackets, keys and values) in one document; an API Gateway event has a few hundred. */
    public static final int MAX_TOKENS = 100_000;
    /** Bytes in one document, unless the caller sets a lower limit: API Gateway's own payload limit. */
    public static final int MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

    /**
     * The limits, as Jackson enforces them. Jackson counts string lengths in UTF-16 units (at most two per
     * character) and key lengths in UTF-8 bytes (at most four per character), so its own limits are set that much
     * higher: the exact character counts are checked here, and whenever Jackson's limit trips first, the document
     * is over the character limit too.
     */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(MAX_NUMBER_DIGITS)
            .maxStringLength(2 * MAX_STRING_CHARS)
            .maxNameLength(4 * MAX_KEY_CHARS)
            .maxTokenCount(MAX_TOKENS)
            .maxDocumentLength(MAX_DOCUMENT_BYTES)
            .build();
    private static final JsonFactory FACTORY = new JsonFactory().setStreamReadConstraints(LIMITS);
    private static final int MIB = 1024 * 1024;

    private Json() {
    }

    /** Parses one JSON document of at most {@link #MAX_DOCUMENT_BYTES}, rejecting trailing content. */
    public static Object parse(byte[] json) throws JsonSyntaxException {
        return parse(json, MAX_DOCUMENT_BYTES);
    }

    /** Parses one JSON document of at most {@code maxBytes} (and {@link #MAX_DOCUMENT_BYTES}), rejecting trailing content. */
    public static Object parse(byte[] json, int maxBytes) throws JsonSyntaxException {
        int limit = Math.min(maxBytes, MAX_DOCUMENT_BYTES);
        if (json.length > limit) {
            throw new JsonSyntaxException("is larger than " + size(limit) + " (received " + json.length + " bytes)");
        }
        int malformed = Utf8.firstMalformed(json);
        if (malformed >= 0) {
            throw new JsonSyntaxException("is not valid UTF-8 (malformed byte sequence at byte " + malformed + ")");
        }
        for (int i = 0; i < json.length; i++) {
            // Valid UTF-8 but never valid JSON text; left to Jackson, NUL bytes would make it guess UTF-16 or -32.
            if (json[i] == 0) {
                throw new JsonSyntaxException("is not valid JSON (a NUL byte at byte " + i + ")");
            }
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            try {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    throw new JsonSyntaxException("is empty");
                }
                Object value = read(parser, first);
                if (parser.nextToken() != null) {
                    throw new JsonSyntaxException("has content after the JSON value");
                }
                return value;
            } catch (StreamConstraintsException e) {
                throw new JsonSyntaxException(limitExceeded(e.getMessage()) + at(parser.currentLocation()));
            } catch (StreamReadException e) {
                throw new JsonSyntaxException("is not valid JSON" + at(e.getLocation()));
            }
        } catch (IOException e) {
            // Not expected from a byte array; described without its message, which may quote the input.
            throw new JsonSyntaxException("could not be parsed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Names the limit a document broke; Jackson's own message names its limit but not in the caller's terms. */
    private static String limitExceeded(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("Document nesting depth")) {
            return "is nested deeper than " + MAX_DEPTH + " levels";
        }
        if (m.startsWith("Number value length")) {
            return "has a number longer than " + MAX_NUMBER_DIGITS + " digits";
        }
        if (m.startsWith("String value length")) {
            return "has a string longer than " + MAX_STRING_CHARS + " characters";
        }
        if (m.startsWith("Name length")) {
            return "has a key longer than " + MAX_KEY_CHARS + " characters";
        }
        if (m.startsWith("Token count")) {
            return "has more than " + MAX_TOKENS + " tokens";
        }
        if (m.startsWith("Document length")) {
            return "is larger than " + size(MAX_DOCUMENT_BYTES);
        }
        return "exceeds a limit of the JSON parser";
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = checked(parser, parser.currentName(), "key", MAX_KEY_CHARS);
                    if (object.containsKey(name)) {
                        throw new JsonSyntaxException("has a duplicate key" + at(parser.currentTokenLocation()));
                    }
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
            case VALUE_STRING -> checked(parser, parser.getText(), "string", MAX_STRING_CHARS);
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) parser.getDoubleValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonSyntaxException("has an unexpected token" + at(parser.currentTokenLocation()));
        };
    }

    /** Checks a key or string value: at most {@code max} code points, and no unpaired surrogate from an escape. */
    private static String checked(JsonParser parser, String text, String what, int max) {
        int characters = 0;
        for (int i = 0; i < text.length(); i++, characters++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonSyntaxException("has a " + what + " with an unpaired surrogate escape (\\uD800 to"
                        + " \\uDFFF)" + at(parser.currentTokenLocation()));
            }
        }
        if (characters > max) {
            throw new JsonSyntaxException("has a " + what + " longer than " + max + " characters"
                    + at(parser.currentTokenLocation()));
        }
        return text;
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String size(int bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " bytes";
    }

    /**
     * Describes a decoded JSON value by its type and size only, never its content: what validation messages say
     * they received. Lengths count characters (Unicode code points), not UTF-16 units.
     */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "a string of " + s.codePointCount(0, s.length()) + " characters";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case Boolean b -> "a boolean";
            default -> "a number";
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

    /** A document that is not JSON or breaks a limit; the message describes what and where, never the content. */
    public static final class JsonSyntaxException extends RuntimeException {

        JsonSyntaxException(String message) {
            super(message, null, false, false);
        }
    }
}
