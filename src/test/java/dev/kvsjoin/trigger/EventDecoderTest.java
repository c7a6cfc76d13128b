package dev.kvsjoin.trigger;

import static dev.kvsjoin.testing.Fixtures.event;
import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventDecoderTest {

    static final String REQUEST =
            "{\"channelArn\":\"arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1\",\"clientId\":\"v\"}";

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
            eventbridge-rule-scheduled-event.awsdocs-camelCase-NOT-WIRE-FORMAT.json | DIRECT
            stepfunctions-error-output.samcli.FILLED.json                  | DIRECT
            """)
    void decode_whenRealSample_recognisesTrigger(String file, Trigger expected) {
        assertThat(EventDecoder.decode(event(file)).trigger()).isEqualTo(expected);
    }

    @Test
    void decode_whenHttpApiBodyIsBase64Json_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-http-v2.samcli.FILLED.json"));

        assertThat(d.problems()).isEmpty();
        assertThat(d.request()).isEqualTo(Map.of("test", "body"));
    }

    @Test
    void decode_whenRestBodyIsBase64Json_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-rest-v1-proxy.samcli.FILLED.json"));

        assertThat(d.problems()).isEmpty();
        assertThat(d.request()).isEqualTo(Map.of("test", "body"));
    }

    @Test
    void decode_whenHttpApiBodyIsPlainJsonWithCrLf_decodesIt() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-http-v2-iam-authorizer.powertools-python.json"));

        assertThat(d.request()).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void decode_whenBodyFlaggedBase64ButIsNot_says() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-http-v2.awsdocs-capture.json"));

        assertThat(d.problems()).containsExactly("body: is not valid base64");
    }

    @Test
    void decode_whenBodyIsText_saysNotJsonWithPositionOnly() {
        EventDecoder.Decoded d = EventDecoder.decode(event("apigw-rest-v1-proxy.awsdocs-capture.json"));

        assertThat(d.problems()).singleElement().asString()
                .startsWith("body: is not valid JSON (line 1, column ")
                .doesNotContain("Hello");
    }

    @Test
    void decode_whenRuleEventHasDetailObject_returnsDetail() {
        EventDecoder.Decoded d = EventDecoder.decode(event("eventbridge-rule-scheduled-event-with-detail.powertools-java.json"));

        assertThat(d.request()).isEqualTo(Map.of("id", 1234L, "name", "product", "price", 42L));
    }

    @Test
    void decode_whenSchedulerDetailIsString_parsesTheString() {
        EventDecoder.Decoded d = EventDecoder.decode(event("eventbridge-scheduler-default-payload.dotnet-issue-1864.json"));

        assertThat(d.problems()).isEmpty();
        assertThat(d.request()).isEqualTo(Map.of());
    }

    @Test
    void decode_whenRequestItself_isDirect() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(REQUEST));

        assertThat(d.trigger()).isEqualTo(Trigger.DIRECT);
        assertThat(d.request()).isEqualTo(Map.of(
                "channelArn", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1", "clientId", "v"));
    }

    @Test
    void decode_whenHttpApiBodyMissing_saysRequired() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"version\":\"2.0\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"isBase64Encoded\":false}"));

        assertThat(d.trigger()).isEqualTo(Trigger.HTTP_API);
        assertThat(d.problems()).singleElement().asString().startsWith("body: is required");
    }

    @Test
    void decode_whenRestBodyBase64_decodes() {
        String body = Base64.getEncoder().encodeToString(utf8(REQUEST));
        EventDecoder.Decoded d = EventDecoder.decode(utf8(
                "{\"httpMethod\":\"POST\",\"requestContext\":{},\"body\":\"" + body + "\",\"isBase64Encoded\":true}"));

        assertThat(d.trigger()).isEqualTo(Trigger.REST_API);
        assertThat(d.problems()).isEmpty();
    }

    @Test
    void decode_whenEventNotJson_saysWhereNotWhat() {
        EventDecoder.Decoded d = EventDecoder.decode(utf8("{\"channelArn\": secret-value}"));

        assertThat(d.problems()).singleElement().asString()
                .startsWith("event: is not valid JSON (line 1, column").doesNotContain("secret");
    }

    @Test
    void decode_whenEventIsArrayOrEmptyOrTrailing_rejects() {
        assertThat(EventDecoder.decode(utf8("[]")).problems()).containsExactly("event: must be a JSON object");
        assertThat(EventDecoder.decode(utf8("")).problems()).containsExactly("event: is empty");
        assertThat(EventDecoder.decode(utf8("{} {}")).problems())
                .containsExactly("event: has content after the JSON value");
    }
}
