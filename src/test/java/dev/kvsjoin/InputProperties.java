package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.testing.Utf8Samples;
import dev.kvsjoin.trigger.EventDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated input through the production handler graph, against a local Kinesis Video endpoint. Each property is a
 * contract; most end in {@link #assertRefused}: the caller gets a 4xx proxy response (API Gateway) or a
 * {@code dev.kvsjoin.errors} exception (every other trigger), no request reaches Kinesis Video, exactly one log line
 * is written and parses as a JSON object, and neither the answer nor the log contains the input: each generated
 * input carries a random marker that must appear nowhere, and everything said stays under 4 KiB whatever arrived.
 */
class InputProperties {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHANNEL = HandlerProbe.CHANNEL;
    static HandlerProbe probe;

    @BeforeContainer
    static void start() throws IOException {
        probe = HandlerProbe.start();
    }

    @AfterContainer
    static void stop() {
        probe.close();
    }

    // ---- the contracts

    /** The contract for input the function must refuse; returns the problems it reported. */
    static List<String> assertRefused(HandlerProbe.Answer answer, boolean proxy, String marker) {
        assertThat(answer.calls()).as("requests that reached Kinesis Video").isEmpty();
        assertThat(answer.logLines()).as("log lines").hasSize(1);
        JsonNode line = parse(answer.logLines().get(0));
        assertThat(line.isObject()).as("the log line is a JSON object").isTrue();
        assertThat(line.path("outcome").asText()).isEqualTo("rejected");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        if (proxy) {
            assertThat(answer.thrown()).as("thrown instead of a proxy response").isNull();
            JsonNode response = parse(answer.output());
            assertThat(response.path("statusCode").asInt()).isBetween(400, 499);
            assertThat(response.path("headers").path("content-type").asText()).isEqualTo("application/json");
            JsonNode body = parse(response.path("body").asText());
            assertThat(body.path("error").asText()).isEqualTo(line.path("error_code").asText());
            assertThat(texts(body.path("problems"))).isEqualTo(texts(line.path("problems")));
            assertThat(line.path("http_status").asInt()).isEqualTo(response.path("statusCode").asInt());
        } else {
            assertThat(answer.output()).as("a result instead of an error").isEmpty();
            assertThat(answer.thrown()).isExactlyInstanceOf(InvalidRequestException.class);
            assertThat(answer.thrown().getStackTrace()).isEmpty();
        }
        if (marker != null) {
            assertThat(answer.everything()).as("the input echoed").doesNotContain(marker);
        }
        assertThat(answer.everything().length()).as("what the caller and the log got").isLessThan(4096);
        return texts(line.path("problems"));
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A request as JSON, its fields in this order. */
    static String request(Object channelArn, Object clientId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("channelArn", channelArn);
        fields.put("clientId", clientId);
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- generators

    @Provide
    Arbitrary<String> marker() {
        return Arbitraries.strings().withCharRange('a', 'z').ofLength(14).map(s -> "mk" + s);
    }

    @Provide
    Arbitrary<byte[]> malformedUtf8() {
        return Utf8Samples.malformed();
    }

    @Provide
    Arbitrary<Envelope> httpEnvelopes() {
        return Arbitraries.of(Envelope.HTTP_API_PLAIN, Envelope.HTTP_API_BASE64, Envelope.REST_PLAIN,
                Envelope.REST_BASE64);
    }

    @Provide
    Arbitrary<Envelope> documentEnvelopes() {
        return Arbitraries.of(Envelope.HTTP_API_PLAIN, Envelope.HTTP_API_BASE64, Envelope.REST_PLAIN,
                Envelope.REST_BASE64, Envelope.SCHEDULER);
    }

    // ---- UTF-8

    /**
     * Malformed UTF-8 in a client id, a key or any other value, in any trigger's envelope: refused as malformed input
     * naming where the bytes were (the base64 body, or the event), never decoded leniently (C1 A1 is not 'a').
     */
    @Property(tries = 500)
    void malformedUtf8_anywhereInAnyEnvelope_isRefusedNamingTheDocument(
            @ForAll Envelope envelope, @ForAll("malformedUtf8") byte[] malformed, @ForAll("marker") String marker,
            @ForAll @IntRange(max = 2) int where) {
        String prefix = "{\"channelArn\":\"" + CHANNEL + "\",\"clientId\":\"" + marker;
        byte[] document = switch (where) {
            case 0 -> concat(utf8(prefix), malformed, utf8("\"}"));
            case 1 -> concat(utf8(prefix + "\",\"x"), malformed, utf8("\":1}"));
            default -> concat(utf8(prefix + "\",\"note\":\""), malformed, utf8("\"}"));
        };

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(document)), envelope.base64(), marker);

        assertThat(problems).singleElement().asString()
                .startsWith(envelope.bytesField() + ": is not valid UTF-8 (malformed byte sequence at byte ");
    }

    @Provide
    Arbitrary<String> nonAsciiText() {
        return Utf8Samples.wellFormedNonAscii().list().ofMinSize(1).ofMaxSize(300)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    }

    /**
     * Well-formed multi-byte text is read as the characters it encodes, and every length the function reports counts
     * characters (code points): 256 emoji are "256 characters", not 512.
     */
    @Property(tries = 300)
    void clientId_ofMultiByteCharacters_isMeasuredInCharacters(@ForAll Envelope envelope,
                                                               @ForAll("nonAsciiText") String clientId) {
        int characters = clientId.codePointCount(0, clientId.length());

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(request(CHANNEL, clientId)))),
                envelope.http(), clientId);

        assertThat(problems).containsExactly(characters > 256
                ? "clientId: must be at most 256 characters (received " + characters + ")"
                : "clientId: may contain only letters, digits, '_', '.' and '-' (received " + characters
                        + " characters, the first one not allowed at position 1)");
    }

    /** An unpaired surrogate escape (\\uD800 to \\uDFFF) in any key or value is refused: it is no character. */
    @Property(tries = 200)
    void unpairedSurrogateEscape_inAnyEnvelope_isRefusedNamingTheDocument(
            @ForAll Envelope envelope, @ForAll @IntRange(min = 0xD800, max = 0xDFFF) int unit,
            @ForAll boolean inKey, @ForAll("marker") String marker) {
        String escape = String.format("\\u%04X", unit);
        String extra = inKey ? "\"" + escape + "x\":1" : "\"note\":\"x" + escape + "x\"";
        String document = request(CHANNEL, marker).replace("}", "," + extra + "}");

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), marker);

        assertThat(problems).singleElement().asString().startsWith(envelope.documentField() + ": has a "
                + (inKey ? "key" : "string") + " with an unpaired surrogate escape");
    }

    // ---- JSON structure and limits

    /** A key repeated in any object of the request, whatever the envelope: refused, never "last one wins". */
    @Property(tries = 300)
    void duplicateKey_inTheRequest_isRefusedNamingTheDocument(@ForAll Envelope envelope,
                                                             @ForAll("marker") String marker,
                                                             @ForAll @IntRange(max = 2) int which) {
        String document = switch (which) {
            // an invalid client id, then a valid one: the last would win
            case 0 -> "{\"channelArn\":\"" + CHANNEL + "\",\"clientId\":\"bad id!\",\"clientId\":\"" + marker + "\"}";
            case 1 -> "{\"channelArn\":\"arn:nope\",\"clientId\":\"" + marker + "\",\"channelArn\":\"" + CHANNEL + "\"}";
            default -> request(CHANNEL, marker).replace("}", ",\"extra\":{\"a\":[1],\"a\":[2]}}");
        };

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), marker);

        assertThat(problems).singleElement().asString()
                .startsWith(envelope.documentField() + ": has a duplicate key (line ");
    }

    /** A key repeated in the envelope itself: the event is not read at all, and is refused as such. */
    @Property(tries = 100)
    void duplicateKey_inTheEnvelope_isRefusedNamingTheEvent(@ForAll Envelope envelope,
                                                           @ForAll("marker") String marker) {
        String event = new String(envelope.wrap(utf8(request(CHANNEL, marker))), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"dup\":1,\"dup\":2,");

        List<String> problems = assertRefused(probe.invoke(utf8(event)), false, marker);

        assertThat(problems).singleElement().asString().startsWith("event: has a duplicate key (line 1, column ");
    }

    /** Nesting up to 32 levels is read; deeper is refused, naming the limit. */
    @Property(tries = 200)
    void nesting_isRefusedExactlyBeyondTheLimit(@ForAll Envelope envelope,
                                                @ForAll @IntRange(min = 1, max = 48) int depth,
                                                @ForAll boolean arrays) {
        int inner = depth - 1;
        String nested = arrays
                ? "[".repeat(inner) + "]".repeat(inner)
                : "{\"a\":".repeat(inner) + "1" + "}".repeat(inner);
        String document = "{\"channelArn\":\"arn:nope\",\"clientId\":\"v\",\"n\":" + (inner == 0 ? "1" : nested) + "}";

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), null);

        if (depth + envelope.depthAbove() > 32) {
            assertThat(problems).singleElement().asString()
                    .startsWith(envelope.documentField() + ": is nested deeper than 32 levels");
        } else {
            assertThat(problems).singleElement().asString().startsWith("channelArn: must be a Kinesis Video");
        }
    }

    /** Numbers of up to 64 digits are read; longer ones are refused, naming the limit. */
    @Property(tries = 200)
    void numberLength_isRefusedExactlyBeyondTheLimit(@ForAll Envelope envelope,
                                                     @ForAll @IntRange(min = 1, max = 120) int digits,
                                                     @ForAll boolean fraction) {
        // Jackson counts the digits of the integer and fraction parts
        int counted = fraction ? Math.max(2, digits) : digits;
        String number = fraction ? "1." + "2".repeat(counted - 1) : "1" + "2".repeat(digits - 1);
        String document = "{\"channelArn\":\"arn:nope\",\"clientId\":\"v\",\"n\":" + number + "}";

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), null);

        if (counted > 64) {
            assertThat(problems).singleElement().asString()
                    .startsWith(envelope.documentField() + ": has a number longer than 64 digits");
        } else {
            assertThat(problems).singleElement().asString().startsWith("channelArn: must be a Kinesis Video");
        }
    }

    /** A request document (body or Scheduler detail) of up to 1 MiB is read; larger is refused, naming the limit. */
    @Property(tries = 24)
    void requestDocumentSize_isRefusedExactlyBeyondTheLimit(@ForAll("documentEnvelopes") Envelope envelope,
                                                            @ForAll @IntRange(min = -4, max = 4) int delta) {
        int size = EventDecoder.MAX_REQUEST_BYTES + delta;
        String head = "{\"channelArn\":\"arn:nope\",\"pad\":\"";
        String document = head + "a".repeat(size - head.length() - 2) + "\"}";

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), null);

        if (delta > 0) {
            assertThat(problems).containsExactly(
                    envelope.documentField() + ": is larger than 1 MiB (received " + size + " bytes)");
        } else {
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("channelArn: must be a Kinesis Video"));
        }
    }

    @Provide
    Arbitrary<String> anyJsonValue() {
        Arbitrary<String> leaves = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1e400", "\"\"", "\"arn:aws:kinesisvideo\"",
                        "\"" + "x".repeat(300) + "\"", "\"true!\"", "{}", "[]", "[null]", "{\"channelArn\":1}"),
                Arbitraries.integers().map(String::valueOf),
                // never a valid client id: '!' is not allowed
                Arbitraries.strings().alpha().numeric().ofMaxLength(20).map(s -> "\"" + s + "!\""));
        return Arbitraries.recursive(() -> leaves,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
                        inner.list().ofMaxSize(3).map(l -> {
                            StringBuilder o = new StringBuilder("{");
                            for (int i = 0; i < l.size(); i++) {
                                o.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(l.get(i));
                            }
                            return o.append('}').toString();
                        })),
                0, 3);
    }

    /**
     * Any JSON value in place of a request field or of the request itself, in any envelope: refused, naming the
     * field and describing what came by its type and size only.
     */
    @Property(tries = 500)
    void wrongTypes_forTheRequestAndItsFields_areRefusedNamingThem(@ForAll Envelope envelope,
                                                                  @ForAll("anyJsonValue") String value,
                                                                  @ForAll @IntRange(max = 2) int where,
                                                                  @ForAll("marker") String marker) {
        String document = switch (where) {
            case 0 -> "{\"channelArn\":" + value + ",\"clientId\":\"" + marker + "\"}";
            case 1 -> "{\"channelArn\":\"" + CHANNEL + "\",\"clientId\":" + value + "}";
            default -> value;
        };
        String named = switch (where) {
            case 0 -> "channelArn: ";
            case 1 -> "clientId: ";
            default -> "";
        };

        List<String> problems = assertRefused(probe.invoke(envelope.wrap(utf8(document))), envelope.http(), marker);

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).matches("[a-zA-Z.-]+: .*"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(named));
    }

    // ---- API Gateway: base64 flag and method

    @Provide
    Arbitrary<String> notBooleans() {
        return Arbitraries.oneOf(
                Arbitraries.of("\"true\"", "\"false\"", "\"TRUE\"", "\"\"", "1", "0", "null", "[]", "{}", "[true]"),
                Arbitraries.strings().alpha().ofMaxLength(8).map(s -> "\"" + s + "\""));
    }

    /** {@code isBase64Encoded} must be a JSON boolean; anything else is refused naming it, whatever the body. */
    @Property(tries = 200)
    void base64Flag_thatIsNotABoolean_isRefusedNamingIt(@ForAll("httpEnvelopes") Envelope envelope,
                                                       @ForAll("notBooleans") String flag,
                                                       @ForAll("marker") String marker) {
        String event = new String(envelope.wrap(utf8(request(CHANNEL, marker))), StandardCharsets.UTF_8)
                .replaceFirst("\"isBase64Encoded\":(true|false)", "\"isBase64Encoded\":" + flag);

        List<String> problems = assertRefused(probe.invoke(utf8(event)), true, marker);

        assertThat(problems).singleElement().asString().startsWith("isBase64Encoded: must be true or false (received ");
    }

    @Provide
    Arbitrary<String> notPost() {
        return Arbitraries.oneOf(
                Arbitraries.of("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "post", "Post",
                        "POST ", " POST", "POSTS", ""),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).filter(m -> !m.equals("POST")));
    }

    /** Any method but POST, with a valid request as body: 405 with {@code allow: POST}, and no join. */
    @Property(tries = 200)
    void method_otherThanPost_isAnswered405AllowingPost(@ForAll("httpEnvelopes") Envelope envelope,
                                                        @ForAll("notPost") String method,
                                                        @ForAll("marker") String marker) {
        HandlerProbe.Answer answer = probe.invoke(envelope.wrap(utf8(request(CHANNEL, marker)), method));

        assertThat(assertRefused(answer, true, marker)).isEmpty();
        JsonNode response = parse(answer.output());
        assertThat(response.path("statusCode").asInt()).isEqualTo(405);
        assertThat(response.path("headers").path("allow").asText()).isEqualTo("POST");
        assertThat(parse(response.path("body").asText()).path("error").asText()).isEqualTo("MethodNotAllowed");
    }

    // ---- trigger recognition: near-miss envelopes

    /** The defining fields of each API Gateway payload, parents before children. */
    static final List<String> HTTP_API_FIELDS = List.of("version", "routeKey", "requestContext",
            "requestContext.http", "requestContext.http.method");
    static final List<String> REST_FIELDS = List.of("version", "httpMethod", "resource", "path", "requestContext");

    @Provide
    Arbitrary<Set<Integer>> defects() {
        return Arbitraries.integers().between(0, 4).set().ofMinSize(1).ofMaxSize(5);
    }

    /**
     * An API Gateway event missing any of its defining fields, or with one of the wrong type: answered 400 as a proxy
     * response naming each (a thrown error would reach the HTTP caller as API Gateway's 502), and no join even
     * though its body is a valid request.
     */
    @Property(tries = 300)
    void apiGatewayEvent_withoutADefiningField_isAnswered400NamingIt(@ForAll boolean payload2,
                                                                    @ForAll("defects") Set<Integer> defects,
                                                                    @ForAll boolean removeRatherThanRetype,
                                                                    @ForAll("marker") String marker) {
        Envelope envelope = payload2 ? Envelope.HTTP_API_PLAIN : Envelope.REST_PLAIN;
        ObjectNode event = (ObjectNode) parse(new String(envelope.wrap(utf8(request(CHANNEL, marker))),
                StandardCharsets.UTF_8));
        List<String> fields = payload2 ? HTTP_API_FIELDS : REST_FIELDS;
        Set<String> expected = new TreeSet<>();
        for (int index : defects) {
            String path = fields.get(index);
            if (expected.stream().anyMatch(parent -> path.startsWith(parent + "."))) {
                continue;
            }
            expected.removeIf(child -> child.startsWith(path + "."));
            expected.add(path);
        }
        for (String path : expected) {
            int dot = path.lastIndexOf('.');
            ObjectNode parent = dot < 0 ? event : (ObjectNode) event.at("/" + path.substring(0, dot).replace('.', '/'));
            String name = path.substring(dot + 1);
            if (name.equals("version") && !payload2) {
                parent.put(name, removeRatherThanRetype ? "2.1" : "3");
            } else if (removeRatherThanRetype) {
                parent.remove(name);
            } else {
                parent.set(name, name.equals("version") ? TextNode.valueOf("1.0")
                        : path.equals("requestContext") || path.equals("requestContext.http") ? IntNode.valueOf(7)
                        : JsonNodeFactory.instance.objectNode());
            }
        }

        List<String> problems = assertRefused(probe.invoke(utf8(event.toString())), true, marker);

        assertThat(problems.get(0)).startsWith("event: has fields of an API Gateway "
                + (payload2 ? "HTTP API (payload 2.0)" : "REST API (payload 1.0)") + " event");
        assertThat(problems.subList(1, problems.size()).stream().map(p -> p.substring(0, p.indexOf(':'))))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Provide
    Arbitrary<Map<String, String>> envelopeFields() {
        Arbitrary<String> values = Arbitraries.of("{}", "{\"http\":{}}", "{\"requestId\":\"r\"}", "7", "\"x\"", "true",
                "null", "[]", "\"POST\"", "\"/join\"");
        List<String> names = List.of("requestContext", "httpMethod", "routeKey", "rawPath", "rawQueryString",
                "isBase64Encoded", "multiValueHeaders", "multiValueQueryStringParameters", "pathParameters",
                "stageVariables", "detail-type", "detailType");
        return Arbitraries.maps(Arbitraries.of(names), values).ofMinSize(1).ofMaxSize(5);
    }

    /**
     * A request (valid on its own) that also carries fields of an API Gateway or EventBridge envelope is neither: it
     * is refused as an invalid direct request, a thrown error, never a proxy response returned as a success.
     */
    @Property(tries = 300)
    void request_carryingEnvelopeFields_isRefusedAsADirectRequest(@ForAll("envelopeFields") Map<String, String> extra,
                                                                 @ForAll("marker") String marker) {
        StringBuilder document = new StringBuilder(request(CHANNEL, marker));
        document.setLength(document.length() - 1);
        extra.forEach((name, value) -> document.append(",\"").append(name).append("\":").append(value));
        document.append('}');

        List<String> problems = assertRefused(probe.invoke(utf8(document.toString())), false, marker);

        assertThat(problems).singleElement().asString()
                .startsWith("event: has fields of an API Gateway or EventBridge envelope (");
    }

    static final List<String> EVENTBRIDGE_FIELDS = List.of("id", "source", "account", "time", "region", "resources",
            "detail");

    @Provide
    Arbitrary<Set<String>> eventBridgeDefects() {
        return Arbitraries.of(EVENTBRIDGE_FIELDS).set().ofMinSize(1).ofMaxSize(EVENTBRIDGE_FIELDS.size());
    }

    /** An EventBridge event missing any field every EventBridge event has: refused, naming each. */
    @Property(tries = 200)
    void eventBridgeEvent_withoutAnEnvelopeField_isRefusedNamingIt(@ForAll("eventBridgeDefects") Set<String> missing,
                                                                  @ForAll boolean scheduler,
                                                                  @ForAll("marker") String marker) {
        Envelope envelope = scheduler ? Envelope.SCHEDULER : Envelope.EVENTBRIDGE;
        ObjectNode event = (ObjectNode) parse(new String(envelope.wrap(utf8(request(CHANNEL, marker))),
                StandardCharsets.UTF_8));
        missing.forEach(event::remove);

        List<String> problems = assertRefused(probe.invoke(utf8(event.toString())), false, marker);

        assertThat(problems.get(0)).startsWith("event: has fields of an EventBridge event");
        assertThat(problems.subList(1, problems.size()).stream().map(p -> p.substring(0, p.indexOf(':'))))
                .containsExactlyInAnyOrderElementsOf(missing);
    }

    // ---- anything at all

    @Provide
    Arbitrary<byte[]> anyBytes() {
        Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "0", "-1", "1e9",
                "true", "null", "\"channelArn\"", "\"clientId\"", "\"requestContext\"", "\"body\"", " ", "\n", "é",
                "😀", "\u0000", "\u001f");
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                fragments.list().ofMaxSize(24).map(l -> utf8(String.join("", l))),
                Combinators.combine(fragments.list().ofMaxSize(12), Utf8Samples.malformed())
                        .as((l, bad) -> concat(utf8(String.join("", l)), bad)));
    }

    /** Any bytes: refused (an event that is not a JSON object cannot be an API Gateway event), never a crash. */
    @Property(tries = 1000)
    void anyBytes_areRefused(@ForAll("anyBytes") byte[] event) {
        HandlerProbe.Answer answer = probe.invoke(event);

        assertRefused(answer, !answer.output().isEmpty(), null);
    }

    @Provide
    Arbitrary<List<Integer>> mutations() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(3);
    }

    /**
     * A valid event of any trigger with a few bytes flipped, dropped, added or cut: joined, or refused with a 4xx or
     * a typed error; never a 5xx, an internal error, an untyped exception, or more or less than one JSON log line;
     * and refused input never reaches Kinesis Video.
     */
    @Property(tries = 300)
    void validEvent_mutated_isJoinedOrRefusedNeverADefect(@ForAll Envelope envelope,
                                                          @ForAll("mutations") List<Integer> mutations) {
        byte[] event = envelope.wrap(utf8(request(CHANNEL, "viewer-1")));
        for (int m : mutations) {
            int at = m % event.length;
            event = switch (m % 4) {
                case 0 -> { byte[] e = event.clone(); e[at] = (byte) (e[at] ^ (1 << (m % 8))); yield e; }
                case 1 -> concat(java.util.Arrays.copyOf(event, at),
                        java.util.Arrays.copyOfRange(event, at + 1, event.length));
                case 2 -> concat(java.util.Arrays.copyOf(event, at), new byte[] {(byte) (m >>> 8)},
                        java.util.Arrays.copyOfRange(event, at, event.length));
                default -> java.util.Arrays.copyOf(event, at);
            };
            if (event.length == 0) {
                event = new byte[] {'x'};
            }
        }

        HandlerProbe.Answer answer = probe.invoke(event);

        assertThat(answer.logLines()).hasSize(1);
        JsonNode line = parse(answer.logLines().get(0));
        String code = line.path("error_code").asText("");
        assertThat(code).isNotIn("InternalError");
        if (answer.thrown() != null) {
            assertThat(answer.thrown()).isInstanceOf(JoinException.class);
            assertThat(answer.thrown().getStackTrace()).isEmpty();
        } else {
            JsonNode response = parse(answer.output());
            if (response.has("statusCode")) {
                assertThat(response.path("statusCode").asInt()).isBetween(200, 499);
            } else {
                assertThat(response.path("endpoint").isTextual()).isTrue();
            }
        }
        if (code.equals("InvalidRequest") || code.equals("MethodNotAllowed")) {
            assertThat(answer.calls()).isEmpty();
        }
    }
}
