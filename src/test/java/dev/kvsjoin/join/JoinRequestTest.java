package dev.kvsjoin.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JoinRequestTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";

    private static JoinRequest.Validation validate(Object arn, Object clientId) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("channelArn", arn);
        fields.put("clientId", clientId);
        return JoinRequest.validate(fields);
    }

    private static List<String> problems(JoinRequest.Validation validation) {
        assertThat(validation).isInstanceOf(JoinRequest.Validation.Invalid.class);
        return ((JoinRequest.Validation.Invalid) validation).problems();
    }

    @Test
    void validate_whenBothValid_returnsRequestWithRegionOfArn() {
        JoinRequest.Validation v = validate(ARN, "viewer-1");

        assertThat(v).isInstanceOf(JoinRequest.Validation.Valid.class);
        JoinRequest request = ((JoinRequest.Validation.Valid) v).request();
        assertThat(request.channelArn().region()).isEqualTo("us-west-2");
        assertThat(request.channelArn().partition()).isEqualTo("aws");
        assertThat(request.channelArn().account()).isEqualTo("123456789012");
        assertThat(request.clientId().value()).isEqualTo("viewer-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000",
        "arn:aws-cn:kinesisvideo:cn-north-1:123456789012:channel/a/0",
        "arn:aws-us-gov:kinesisvideo:us-gov-west-1:123456789012:channel/A_b.c-9/123",
    })
    void validate_whenArnMatchesServiceModel_accepts(String arn) {
        assertThat(validate(arn, "c")).isInstanceOf(JoinRequest.Validation.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door",        // no creation time
        "arn:aws:kinesis:us-west-2:123456789012:channel/front-door/1",          // other service
        "arn:gcp:kinesisvideo:us-west-2:123456789012:channel/front-door/1",     // partition must start with aws
        "arn:aws:kinesisvideo:US-WEST-2:123456789012:channel/front-door/1",     // region is lower case
        "arn:aws:kinesisvideo:us-west-2:12345678901a:channel/front-door/1",     // account is digits
        "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front door/1",     // space in name
        "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1\n",   // trailing newline
        " arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1",    // leading space
    })
    void validate_whenArnBreaksPattern_namesFieldAndLength(String arn) {
        assertThat(problems(validate(arn, "c")))
                .singleElement().asString()
                .startsWith("channelArn: must be a Kinesis Video channel ARN")
                .contains("received " + arn.length() + " characters")
                .doesNotContain(arn.strip());
    }

    @Test
    void validate_whenArnNamesStream_saysItMustBeChannel() {
        String stream = "arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door/1";

        assertThat(problems(validate(stream, "c")))
                .containsExactly("channelArn: must name a signaling channel (resource type channel); the ARN names another"
                        + " resource type");
    }

    @Test
    void validate_whenResourceTypeIsLong_describesItWithoutEchoing() {
        String type = "x".repeat(40);
        String arn = "arn:aws:kinesisvideo:us-west-2:123456789012:" + type + "/n/1";

        assertThat(problems(validate(arn, "c"))).singleElement().asString()
                .contains("names another resource type").doesNotContain(type);
    }

    @Test
    void validate_whenArnLongerThan1024_rejectsByLength() {
        String name = "n".repeat(1024);
        String arn = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/" + name + "/1";

        assertThat(problems(validate(arn, "c")))
                .containsExactly("channelArn: must be at most 1024 characters (received " + arn.length() + ")");
    }

    @Test
    void validate_whenArnExactly1024_accepts() {
        String prefix = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/";
        String arn = prefix + "n".repeat(1024 - prefix.length() - 2) + "/1";

        assertThat(arn).hasSize(1024);
        assertThat(validate(arn, "c")).isInstanceOf(JoinRequest.Validation.Valid.class);
    }

    @Test
    void validate_whenClientIdAt256_acceptsAndAt257_rejects() {
        assertThat(validate(ARN, "a".repeat(256))).isInstanceOf(JoinRequest.Validation.Valid.class);
        assertThat(problems(validate(ARN, "a".repeat(257))))
                .containsExactly("clientId: must be at most 256 characters (received 257)");
    }

    @Test
    void validate_whenClientIdOneCharacter_accepts() {
        assertThat(validate(ARN, "a")).isInstanceOf(JoinRequest.Validation.Valid.class);
    }

    @Test
    void validate_whenClientIdEmpty_rejects() {
        assertThat(problems(validate(ARN, ""))).containsExactly("clientId: must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"viewer 1", "viewer/1", "viewer:1", "viewerï", "viewer\"1", "viewer\n1"})
    void validate_whenClientIdHasCharacterOutsideModel_givesPositionNotValue(String clientId) {
        assertThat(problems(validate(ARN, clientId))).singleElement().asString()
                .startsWith("clientId: may contain only letters, digits, '_', '.' and '-'")
                .contains("position 7");
    }

    @Test
    void validate_whenBothInvalid_reportsBothAtOnce() {
        assertThat(problems(validate("nope", "bad id")))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("channelArn:"))
                .anySatisfy(p -> assertThat(p).startsWith("clientId:"));
    }

    @Test
    void validate_whenFieldsMissing_saysRequired() {
        assertThat(problems(JoinRequest.validate(Map.of())))
                .containsExactly("channelArn: is required", "clientId: is required");
    }

    @Test
    void validate_whenFieldDiffersInCase_hintsAtCaseSensitivity() {
        assertThat(problems(JoinRequest.validate(Map.of("channelARN", ARN, "clientId", "c"))))
                .singleElement().asString()
                .startsWith("channelArn: is required")
                .contains("case-sensitive");
    }

    @Test
    void validate_whenFieldsHaveWrongTypes_describesTypes() {
        assertThat(problems(validate(42L, List.of("x"))))
                .containsExactly("channelArn: must be a string (received a number)",
                        "clientId: must be a string (received an array)");
        assertThat(problems(validate(null, "c"))).containsExactly("channelArn: is required (received null)");
    }

    @Test
    void validate_whenRequestIsNotObject_says() {
        assertThat(problems(JoinRequest.validate(List.of())))
                .containsExactly("request: must be a JSON object with channelArn and clientId (received an array)");
    }
}
