package dev.kvsjoin.trigger;

import static dev.kvsjoin.testing.Fixtures.event;
import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvsjoin.auth.Identity;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {

    static final String REQUEST =
            "{\"channelArn\":\"arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1\",\"clientId\":\"v\"}";

    private static Object request(EventDecoder.Decoded decoded) {
        assertThat(decoded).isInstanceOf(EventDecoder.Decoded.Request.class);
        return ((EventDecoder.Decoded.Request) decoded).request();
    }

    private static List<String> problems(EventDecoder.Decoded decoded) {
        assertThat(decoded).isInstanceOf(EventDecoder.Decoded.Invalid.class);
        return ((EventDecoder.Decoded.Invalid) decoded).problems();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            apigw-http-v2-iam-authorizer.powertools-python.json            | HTTP_API
            apigw-http-v2.awsdocs-capture.json                             | HTTP_API
            apigw-http-v2.java-libs-tests.json                             | HTTP_API
            apigw-http-v2.samcli.FILLED.json                               | HTTP_API
            apigw-http-v2.samcli.TEMPLATE.json                             | HTTP_API
            apigw-rest-v1-proxy.awsdocs-capture.json                       | REST_API
            apigw-rest-v1-proxy.java-libs-tests.json                       | REST_API
            apigw-rest-v1-proxy.samcli.FILLED.json                         | REST_API
            apigw-rest-v1-proxy.samcli.TEMPLATE.json                       | REST_API
            eventbridge-rule-scheduled-event-with-detail.powertools-java.json | EVENTBRIDGE
            eventbridge-rule-scheduled-event.java-libs-tests.json          | EVENTBRIDGE
            eventbridge-rule-scheduled-event.samcli.FILLED.json            | EVENTBRIDGE
            eventbridge-rule-scheduled-event.samcli.TEMPLATE.json          | EVENTBRIDGE
            eventbridge-scheduler-default-payload.dotnet-issue-1864.json   | SCHEDULER
            eventbridge-rule-scheduled-event.awsdocs-camelCase-NOT-WIRE-FORMAT.json | EVENTBRIDGE
            stepfunctions-error-output.samcli.FILLED.json                  | DIRECT
            """)
    void decode_whenRealSample_recognisesTrigger(String file, Trigger expected) {
        assertThat(EventDecoder.decode(event(file)).trigger()).isEqualTo(expected);
    }

    @Test
    void decode_whenHttpApiBodyIsBase64Json_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-http-v2.samcli.FILLED.json"));

        assertThat(request(d)).isEqualTo(Map.of("test", "body"));
    }

    @Test
    void decode_whenRestBodyIsBase64Json_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-rest-v1-proxy.samcli.FILLED.json"));

        assertThat(request(d)).isEqualTo(Map.of("test", "body"));
    }

    /** A real sample whose request was a GET, as if it had been a POST. */
    private static byte[] posted(String file) {
        String json = new String(event(file), StandardCharsets.UTF_8);
        String posted = json.replaceFirst("\"(method|httpMethod)\": \"GET\"", "\"$1\": \"POST\"");
        assertThat(posted).isNotEqualTo(json);
        return utf8(posted);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "apigw-http-v2-iam-authorizer.powertools-python.json",
        "apigw-http-v2.awsdocs-capture.json",
        "apigw-rest-v1-proxy.awsdocs-capture.json",
        "apigw-rest-v1-proxy.java-libs-tests.json",
        "apigw-http-v2.samcli.TEMPLATE.json",
        "apigw-rest-v1-proxy.samcli.TEMPLATE.json",
    })
    void decode_whenRealSampleIsNotPost_isMethodNotAllowed(String file) {
        assertThat(EventDecoder.decode(event(file))).isInstanceOf(EventDecoder.Decoded.MethodNotAllowed.class);
    }

    @ParameterizedTest
    @CsvSource({
        "GET, apigw-http-v2.samcli.FILLED.json",
        "DELETE, apigw-http-v2.samcli.FILLED.json",
        "post, apigw-http-v2.samcli.FILLED.json",
        "PUT, apigw-rest-v1-proxy.samcli.FILLED.json",
        "OPTIONS, apigw-rest-v1-proxy.samcli.FILLED.json",
        "post, apigw-rest-v1-proxy.samcli.FILLED.json",
    })
    void decode_whenMethodIsNotExactlyPost_isMethodNotAllowedWhateverTheBody(String method, String file) {
        String json = new String(event(file), StandardCharsets.UTF_8)
                .replace("\"method\": \"POST\"", "\"method\": \"" + method + "\"")
                .replaceFirst("\"httpMethod\": \"POST\"", "\"httpMethod\": \"" + method + "\"");

        EventDecoder.Decoded d = EventDecoder.decode(utf8(json));

        assertThat(d).isInstanceOf(EventDecoder.Decoded.MethodNotAllowed.class);
        assertThat(d.trigger().isHttp()).isTrue();
    }

    @Test
    void decode_whenHttpApiBodyIsPlainJsonWithCrLf_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(posted("apigw-http-v2-iam-authorizer.powertools-python.json"));

        assertThat(request(d)).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void decode_whenBodyFlaggedBase64ButIsNot_says() {
        EventDecoder.Decoded d = EventDecoder.decode(posted("apigw-http-v2.awsdocs-capture.json"));

        assertThat(problems(d)).containsExactly("body: is not valid base64");
    }

    @Test
    void decode_whenBodyIsText_saysNotJsonWithPositionOnly() {
        EventDecoder.Decoded d = EventDecoder.decode(posted("apigw-rest-v1-proxy.awsdocs-capture.json"));

        assertThat(problems(d)).singleElement().asString()
                .startsWith("body: is not valid JSON (line 1, column ")
                .doesNotContain("Hello");
    }

    @Test
    void decode_whenRuleEventHasDetailObject_returnsDetail() {
        EventDecoder.Decoded d = EventDecoder.decode(event("eventbridge-rule-scheduled-event-with-detail.powertools-java.json"));

        assertThat(request(d)).isEqualTo(Map.of("id", 1234L, "name", "product", "price", 42L));
    }

    @Test
    void decode_whenSchedulerDetailIsString_parsesTheString() {
        EventDecoder.Decoded d = EventDecoder.decode(event("eventbridge-scheduler-default-payload.dotnet-issue-1864.json"));

        assertThat(request(d)).isEqualTo(Map.of());
    }

    @Test
    void decode_whenRequestItself_isDirect() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(REQUEST));

        assertThat(d.trigger()).isEqualTo(Trigger.DIRECT);
        assertThat(request(d)).isEqualTo(Map.of(
                "channelArn", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1", "clientId", "v"));
    }

    @Test
    void decode_whenHttpApiBodyMissing_saysRequired() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"version\":\"2.0\",\"routeKey\":\"POST /join\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                        + "\"isBase64Encoded\":false}"));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(problems(d)).singleElement().asString().startsWith("body: is required");
    }

    @Test
    void decode_whenRestBodyBase64_decodes() {
        String body = Base64.getEncoder().encodeToString(utf8(REQUEST));
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"httpMethod\":\"POST\",\"resource\":\"/join\",\"path\":\"/join\",\"requestContext\":{},\"body\":\""
                        + body + "\",\"isBase64Encoded\":true}"));

        assertThat(d.trigger()).isEqualTo(Trigger.REST_API);
        assertThat(request(d)).isInstanceOf(Map.class);
    }

    @Test
    void decode_whenEventNotJson_saysWhereNotWhat() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8("{\"channelArn\": secret-value}"));

        assertThat(problems(d)).singleElement().asString()
                .startsWith("event: is not valid JSON (line 1, column").doesNotContain("secret");
    }

    @Test
    void decode_whenEventIsArrayOrEmptyOrTrailing_rejects() {
        assertThat(problems(EventDecoder.decode(utf8("[]")))).containsExactly("event: must be a JSON object (received an array)");
        assertThat(problems(EventDecoder.decode(utf8("")))).containsExactly("event: is empty");
        assertThat(problems(EventDecoder.decode(utf8("{} {}"))))
                .containsExactly("event: has content after the JSON value");
    }

    private static final String HTTP_API_POST = "{\"version\":\"2.0\",\"routeKey\":\"POST /join\","
            + "\"requestContext\":{\"http\":{\"method\":\"POST\"}},";

    private static byte[] bytes(String before, int[] middle, String after) {
        byte[] head = utf8(before);
        byte[] tail = utf8(after);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < middle.length; i++) {
            all[head.length + i] = (byte) middle[i];
        }
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    @Test
    void decode_whenBase64BodyHasOverlongUtf8_rejectsBodyInsteadOfReadingLetters() {
        // "probe-" followed by C1 A1 C1 A1, which a lenient decoder reads as "aa"
        byte[] body = bytes("{\"channelArn\":\"arn:aws:kinesisvideo:us-west-2:1:channel/c/1\",\"clientId\":\"probe-",
                new int[] {0xC1, 0xA1, 0xC1, 0xA1}, "\"}");
        byte[] event = utf8(HTTP_API_POST + "\"body\":\"" + Base64.getEncoder().encodeToString(body)
                + "\",\"isBase64Encoded\":true}");

        assertThat(problems(EventDecoder.decode(event))).singleElement().asString()
                .startsWith("body: is not valid UTF-8 (malformed byte sequence at byte ");
    }

    @Test
    void decode_whenKeyNameIsOverlongEncoded_rejectsEvent() {
        // "clientI" + overlong "d" (C1 A4)
        String before = "{\"channelArn\":\"arn:aws:kinesisvideo:us-west-2:1:channel/c/1\",\"clientI";
        byte[] event = bytes(before, new int[] {0xC1, 0xA4}, "\":\"v\"}");

        assertThat(problems(EventDecoder.decode(event))).containsExactly(
                "event: is not valid UTF-8 (malformed byte sequence at byte " + before.length() + ")");
    }

    @ParameterizedTest
    @CsvSource({
        "'\"true\"', a string of 4 characters",
        "1, a number",
        "null, null",
        "{}, an object",
    })
    void decode_whenBase64FlagIsNotABoolean_rejectsNamingIt(String flag, String received) {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(HTTP_API_POST + "\"body\":\"e30=\",\"isBase64Encoded\":"
                + flag + "}"));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(problems(d)).containsExactly("isBase64Encoded: must be true or false (received " + received + ")");
    }

    @Test
    void decode_whenBase64FlagAbsent_readsBodyAsPlainJson() {
        assertThat(request(EventDecoder.decode(utf8(HTTP_API_POST + "\"body\":\"{}\"}")))).isEqualTo(Map.of());
    }

    @Test
    void decode_whenBodyHasDuplicateKey_rejectsNamingBody() {
        String body = "{\\\"clientId\\\":\\\"a\\\",\\\"clientId\\\":\\\"b\\\"}";

        assertThat(problems(EventDecoder.decode(utf8(HTTP_API_POST + "\"body\":\"" + body + "\"}"))))
                .containsExactly("body: has a duplicate key (line 1, column 17)");
    }

    @Test
    void decode_whenEventHasDuplicateKey_rejectsNamingEvent() {
        assertThat(problems(EventDecoder.decode(utf8("{\"clientId\":\"a\",\"x\":{\"k\":1,\"k\":1}}"))))
                .containsExactly("event: has a duplicate key (line 1, column 28)");
    }

    @Test
    void decode_whenHttpApiEventLacksRequestContext_answersAsHttpNamingIt() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"version\":\"2.0\",\"routeKey\":\"POST /join\",\"body\":\"{}\",\"isBase64Encoded\":false}"));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(problems(d)).containsExactly(
                "event: has fields of an API Gateway HTTP API (payload 2.0) event but not all that such an event has",
                "requestContext: is required");
    }

    @Test
    void decode_whenHttpApiEventLacksVersion_answersAsHttpNamingIt() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8("{\"routeKey\":\"POST /join\","
                + "\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":\"{}\"}"));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(problems(d)).containsExactly(
                "event: has fields of an API Gateway HTTP API (payload 2.0) event but not all that such an event has",
                "version: is required (\"2.0\")");
    }

    @Test
    void decode_whenRestEventLacksPathAndResource_answersAsRestNamingThem() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"httpMethod\":\"POST\",\"requestContext\":{},\"body\":\"{}\",\"isBase64Encoded\":false}"));

        assertThat(d.trigger()).isEqualTo(Trigger.REST_API);
        assertThat(problems(d)).containsExactly(
                "event: has fields of an API Gateway REST API (payload 1.0) event but not all that such an event has",
                "resource: is required", "path: is required");
    }

    @Test
    void decode_whenRequestAlsoCarriesRequestContext_isAnInvalidDirectRequest() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(REQUEST.replace("}", ",\"requestContext\":{\"http\":{}}}")));

        assertThat(d.trigger()).isEqualTo(Trigger.DIRECT);
        assertThat(problems(d)).singleElement().asString()
                .startsWith("event: has fields of an API Gateway or EventBridge envelope (requestContext) beside the"
                        + " request's own fields");
    }

    @Test
    void decode_whenEventBridgeEnvelopeIsPartial_namesWhatIsMissing() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"detail-type\":\"Join\",\"source\":\"x\",\"detail\":" + REQUEST + "}"));

        assertThat(d.trigger()).isEqualTo(Trigger.EVENTBRIDGE);
        assertThat(problems(d)).containsExactly(
                "event: has fields of an EventBridge event but not all that such an event has",
                "id: is required", "account: is required", "time: is required", "region: is required",
                "resources: is required");
    }

    @Test
    void decode_whenEventCompletesTwoEnvelopes_httpApiTakesPrecedence() {
        String both = HTTP_API_POST + "\"body\":\"{}\",\"httpMethod\":\"GET\",\"resource\":\"/\",\"path\":\"/\","
                + "\"id\":\"1\",\"detail-type\":\"t\",\"source\":\"s\",\"account\":\"1\",\"time\":\"t\","
                + "\"region\":\"r\",\"resources\":[],\"detail\":{}}";

        EventDecoder.Decoded d = EventDecoder.decode(utf8(both));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(request(d)).isEqualTo(Map.of());
    }

    @Test
    void decode_whenIamAuthorizerContext_givesTheCallerPreferringTheCognitoIdentity() {
        EventDecoder.Decoded sample = EventDecoder.decode(event("apigw-http-v2-iam-authorizer.powertools-python.json"));
        EventDecoder.Decoded user = EventDecoder.decode(Fixtures.sample("http-api.json"));
        EventDecoder.Decoded rest = EventDecoder.decode(Fixtures.sample("rest-api.json"));

        assertThat(sample.identity()).isEqualTo(new Identity.Iam("AROA2ZJZYVRE7Y3TUXHH6",
                "arn:aws:iam::1234567890:user/Admin", "us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce"));
        assertThat(user.identity()).isEqualTo(new Identity.Iam("AIDACKCEVSQ6C2EXAMPLE",
                "arn:aws:iam::123456789012:user/doorbell-app", null));
        assertThat(rest.identity()).as("REST: requestContext.identity").isEqualTo(new Identity.Iam(
                "AIDACKCEVSQ6C2EXAMPLE", "arn:aws:iam::123456789012:user/doorbell-app", null));
    }

    @Test
    void decode_whenJwtAuthorizerContext_givesItsClaimsAndScopes() {
        EventDecoder.Decoded decoded = EventDecoder.decode(event("apigw-http-v2.java-libs-tests.json"));

        assertThat(decoded.identity()).isEqualTo(new Identity.Jwt(Map.of("claim1", "value1", "claim2", "value2"),
                List.of("scope1", "scope2")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "apigw-http-v2.awsdocs-capture.json",
        "apigw-rest-v1-proxy.awsdocs-capture.json",
        "apigw-rest-v1-proxy.java-libs-tests.json",
        "apigw-rest-v1-proxy.samcli.FILLED.json",
    })
    void decode_whenNoAuthorizerIdentity_givesNoCaller(String file) {
        assertThat(EventDecoder.decode(event(file)).identity()).isEqualTo(new Identity.Unknown());
    }

    @Test
    void decode_whenNotAnApiGatewayEvent_isTheInvokersOwn() {
        assertThat(EventDecoder.decode(utf8(REQUEST)).identity()).isEqualTo(new Identity.Invoker());
        assertThat(EventDecoder.decode(Fixtures.sample("scheduler.json")).identity())
                .isEqualTo(new Identity.Invoker());
    }

    @Test
    void decode_whenRouteNamesAChannel_givesItAndRefusesTheRouteWithoutIt() {
        byte[] routed = Callers.channelRoute(Callers.post(Fixtures.sample("http-api.json"), REQUEST), "lobby-7");

        EventDecoder.Decoded decoded = EventDecoder.decode(routed);
        String withoutParameter = new String(routed, StandardCharsets.UTF_8)
                .replace("\"pathParameters\":{\"channel\":\"lobby-7\"}", "\"pathParameters\":{}");

        assertThat(((EventDecoder.Decoded.Request) decoded).routeChannel()).isEqualTo("lobby-7");
        assertThat(((EventDecoder.Decoded.Request) EventDecoder.decode(Fixtures.sample("http-api.json")))
                .routeChannel()).isNull();
        assertThat(withoutParameter).doesNotContain("lobby-7\"}");
        assertThat(problems(EventDecoder.decode(utf8(withoutParameter))))
                .containsExactly("pathParameters.channel: must be the channel name the route's path holds (received"
                        + " null)");
    }
}
