package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.event;
import static dev.kvsjoin.testing.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Who may join what over the HTTP API, through the production handler graph against the local Kinesis Video endpoint,
 * with real-format API Gateway events: the IAM authorizer's context ({@code events/http-api.json},
 * {@code apigw-http-v2-iam-authorizer.powertools-python.json}, {@code events/rest-api.json}) and the JWT authorizer's
 * ({@code apigw-http-v2.java-libs-tests.json} with its claims replaced). A refused join never reaches Kinesis Video.
 */
class AuthorizationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FRONT_DOOR = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final String LOBBY = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/lobby-7/1700000000002";
    static final String VAULT = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/vault/1700000000003";
    /** A Cognito user pool subject, and another user's. */
    static final String SUB = "3f291106-8703-466b-8f2b-3ecee1ca56ce";
    static final String OTHER_SUB = "9b2e4c1a-77d0-4f3e-b1a8-5c6d7e8f9a0b";
    /** Values of the token and of claims that must never be echoed to the caller or logged. */
    static final String TOKEN = "eyJraWQiOiJleGFtcGxlIn0.eyJzdWIiOiIzZjI5MTEwNiJ9.c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
    static final String EMAIL = "jane.marker-5e1c@example.com";
    static final String CHANNELS_MARKER = "lobby-marker-77*";
    static final Map<String, String> JWT = Map.of("API_AUTH", "jwt");
    static final Map<String, String> IAM = Map.of();

    private LocalKinesisVideo kvs;
    private final List<String> logLines = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(FRONT_DOOR);
        kvs.addChannel(LOBBY);
        kvs.addChannel(VAULT);
    }

    @AfterEach
    void stop() {
        assertThat(kvs.violations()).isEmpty();
        kvs.close();
    }

    private JsonNode invoke(Map<String, String> env, byte[] event) throws IOException {
        JoinHandler handler = LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, TestContext.of("req-" + logLines.size()));
        return JSON.readTree(out.toByteArray());
    }

    static String request(String arn, String clientId) {
        return JSON.createObjectNode().put("channelArn", arn).put("clientId", clientId).toString();
    }

    /** A JWT caller's HTTP API event on POST /join: the java-libs sample with these claims, scopes and body. */
    static byte[] jwtEvent(String body, Map<String, String> claims, List<String> scopes) {
        byte[] event = Callers.post(event("apigw-http-v2.java-libs-tests.json"), body);
        return Callers.header(Callers.jwt(event, claims, scopes), "authorization", "Bearer " + TOKEN);
    }

    /** Claims of a Cognito ID token for {@code sub}, with {@code kvs_channels} when not {@code null}. */
    static Map<String, String> claims(String sub, String channels) {
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        claims.put("iss", "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_EXAMPLE");
        claims.put("aud", "4example5clientid6");
        claims.put("token_use", "id");
        claims.put("email", EMAIL);
        if (channels != null) {
            claims.put("kvs_channels", channels);
        }
        return claims;
    }

    /** The IAM caller of {@code events/http-api.json} ({@link Callers#IAM_USER_ID}) asking for {@code body}. */
    static byte[] iamEvent(String body) {
        return Callers.post(sample("http-api.json"), body);
    }

    private static JsonNode body(JsonNode proxyResponse) throws IOException {
        return JSON.readTree(proxyResponse.path("body").asText());
    }

    private List<JsonNode> logs() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logLines) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private JsonNode lastLog() throws IOException {
        return JSON.readTree(logLines.get(logLines.size() - 1));
    }

    private List<String> joinedClients() throws IOException {
        List<String> clients = new ArrayList<>();
        for (Recorded request : kvs.requests()) {
            if (request.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER) {
                clients.add(JSON.readTree(request.body()).path("clientId").asText());
            }
        }
        return clients;
    }

    private void assertNothingEchoed(JsonNode response) {
        String everything = response + String.join("\n", logLines);
        assertThat(everything).doesNotContain(TOKEN).doesNotContain(EMAIL).doesNotContain(CHANNELS_MARKER)
                .doesNotContain("lobby-*");
    }

    @Test
    void jwt_whenClaimListsTheChannelAndClientIdIsTheSubjects_joinsAndLogsTheCallerAndRule() throws IOException {
        JsonNode response = invoke(JWT, jwtEvent(request(FRONT_DOOR, SUB + ".phone"),
                claims(SUB, "[front-door lobby-* " + CHANNELS_MARKER + "]"), null));

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(body(response).path("clientId").asText()).isEqualTo(SUB + ".phone");
        assertThat(joinedClients()).containsExactly(SUB + ".phone");
        JsonNode log = lastLog();
        assertThat(log.path("outcome").asText()).isEqualTo("joined");
        assertThat(log.path("caller").asText()).isEqualTo(SUB);
        assertThat(log.has("caller_arn")).isFalse();
        assertThat(log.path("auth_rule").asText()).isEqualTo("claim kvs_channels");
        assertNothingEchoed(response);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lobby-*                       | " + LOBBY,
        "*                             | " + VAULT,
        "front-door,lobby-7            | " + LOBBY,
        "[\"vault\",\"front-door\"]    | " + VAULT,
    })
    void jwt_whenAClaimPatternMatches_joins(String channels, String arn) throws IOException {
        JsonNode response = invoke(JWT, jwtEvent(request(arn, SUB + ".tablet"), claims(SUB, channels), null));

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(joinedClients()).containsExactly(SUB + ".tablet");
    }

    @Test
    void jwt_whenChannelIsOutsideTheRules_answers403NamingTheRuleWithoutCalling() throws IOException {
        JsonNode response = invoke(JWT, jwtEvent(request(VAULT, SUB + ".phone"),
                claims(SUB, "[front-door lobby-* " + CHANNELS_MARKER + "]"), List.of("kvs/join:lobby-*")));

        assertThat(response.path("statusCode").asInt()).isEqualTo(403);
        JsonNode body = body(response);
        assertThat(body.path("error").asText()).isEqualTo("NotAuthorized");
        assertThat(body.path("message").asText())
                .isEqualTo("the caller may not join this channel (rule: claim kvs_channels or scope kvs/join:*)");
        assertThat(body.path("requestId").asText()).startsWith("req-");
        assertThat(kvs.requests()).isEmpty();
        JsonNode log = lastLog();
        assertThat(log.path("level").asText()).isEqualTo("INFO");
        assertThat(log.path("error_code").asText()).isEqualTo("NotAuthorized");
        assertThat(log.path("http_status").asInt()).isEqualTo(403);
        assertThat(log.path("auth_rule").asText()).isEqualTo("claim kvs_channels or scope kvs/join:*");
        assertThat(log.path("caller").asText()).isEqualTo(SUB);
        assertThat(log.path("channelArn").asText()).isEqualTo(VAULT);
        assertNothingEchoed(response);
    }

    @Test
    void jwt_whenAScopeGrantsTheChannel_joinsWithoutAnyClaim() throws IOException {
        JsonNode matched = invoke(JWT, jwtEvent(request(FRONT_DOOR, SUB), claims(SUB, null),
                List.of("openid", "kvs/join:front-*")));
        assertThat(matched.path("statusCode").asInt()).isEqualTo(200);
        assertThat(lastLog().path("auth_rule").asText()).isEqualTo("scope kvs/join:*");

        Map<String, String> accessToken = claims(SUB, null);
        accessToken.put("scope", "openid kvs/join:lobby-7 kvs/join:front-door");
        JsonNode fromClaim = invoke(JWT, jwtEvent(request(LOBBY, SUB), accessToken, null));

        assertThat(fromClaim.path("statusCode").asInt()).as("the scope claim of a Cognito access token").isEqualTo(200);
        assertThat(joinedClients()).containsExactly(SUB, SUB);
    }

    @Test
    void jwt_whenNoRuleAtAll_refusesEveryChannel() throws IOException {
        for (String arn : List.of(FRONT_DOOR, LOBBY, VAULT)) {
            JsonNode response = invoke(JWT, jwtEvent(request(arn, SUB), claims(SUB, null), List.of("openid")));

            assertThat(response.path("statusCode").asInt()).as(arn).isEqualTo(403);
        }
        Map<String, String> malformed = claims(SUB, "lo*by vault** [front door]");
        assertThat(invoke(JWT, jwtEvent(request(VAULT, SUB), malformed, null)).path("statusCode").asInt())
                .as("entries that are no pattern match nothing").isEqualTo(403);
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void jwt_whenClientIdIsNotBoundToTheCaller_answers403WithoutCalling() throws IOException {
        for (String clientId : List.of(OTHER_SUB, OTHER_SUB + ".phone", "viewer-1", SUB + "x", SUB + ".", "x" + SUB)) {
            JsonNode response = invoke(JWT, jwtEvent(request(FRONT_DOOR, clientId), claims(SUB, "*"), null));

            assertThat(response.path("statusCode").asInt()).as(clientId).isEqualTo(403);
            assertThat(body(response).path("message").asText()).as(clientId).isEqualTo("the client id must be the"
                    + " caller's subject in client id form, alone or followed by '.' and a suffix (rule: client id"
                    + " binding prefix)");
            assertThat(lastLog().path("auth_rule").asText()).isEqualTo("client id binding prefix");
        }
        assertThat(kvs.requests()).isEmpty();

        assertThat(invoke(JWT, jwtEvent(request(FRONT_DOOR, SUB), claims(SUB, "*"), null)).path("statusCode").asInt())
                .as("the subject alone").isEqualTo(200);
    }

    @Test
    void jwt_whenBindingIsExact_onlyTheSubjectItselfJoins() throws IOException {
        Map<String, String> exact = Map.of("API_AUTH", "jwt", "CLIENT_ID_BINDING", "exact");

        JsonNode suffixed = invoke(exact, jwtEvent(request(FRONT_DOOR, SUB + ".phone"), claims(SUB, "*"), null));
        JsonNode itself = invoke(exact, jwtEvent(request(FRONT_DOOR, SUB), claims(SUB, "*"), null));

        assertThat(suffixed.path("statusCode").asInt()).isEqualTo(403);
        assertThat(body(suffixed).path("message").asText()).endsWith("(rule: client id binding exact)");
        assertThat(itself.path("statusCode").asInt()).isEqualTo(200);
        assertThat(joinedClients()).containsExactly(SUB);
    }

    @Test
    void jwt_whenBindingIsNone_anyClientIdJoinsButChannelRulesStillApply() throws IOException {
        Map<String, String> none = Map.of("API_AUTH", "jwt", "CLIENT_ID_BINDING", "none");

        JsonNode any = invoke(none, jwtEvent(request(FRONT_DOOR, "kiosk-3"), claims(SUB, "front-door"), null));
        JsonNode outside = invoke(none, jwtEvent(request(VAULT, "kiosk-3"), claims(SUB, "front-door"), null));

        assertThat(any.path("statusCode").asInt()).isEqualTo(200);
        assertThat(outside.path("statusCode").asInt()).isEqualTo(403);
        assertThat(joinedClients()).containsExactly("kiosk-3");
    }

    @Test
    void jwt_whenClaimNamesAreConfigured_readsThoseClaims() throws IOException {
        Map<String, String> env = Map.of("API_AUTH", "jwt", "JWT_SUBJECT_CLAIM", "cognito:username",
                "JWT_CHANNELS_CLAIM", "custom:kvs_channels", "JWT_SCOPE_PREFIX", "https://kvs.example.com/join:");
        Map<String, String> claims = claims(SUB, "*");
        claims.put("cognito:username", "jane.doe");
        claims.put("custom:kvs_channels", "front-door");

        JsonNode own = invoke(env, jwtEvent(request(FRONT_DOOR, "jane_2Edoe.phone"), claims, null));
        JsonNode notInCustom = invoke(env, jwtEvent(request(LOBBY, "jane_2Edoe.phone"), claims, null));
        JsonNode byScope = invoke(env, jwtEvent(request(LOBBY, "jane_2Edoe.phone"), claims,
                List.of("https://kvs.example.com/join:lobby-*")));

        assertThat(own.path("statusCode").asInt()).as("subject jane.doe in client id form").isEqualTo(200);
        assertThat(notInCustom.path("statusCode").asInt()).as("kvs_channels is no longer read").isEqualTo(403);
        assertThat(body(notInCustom).path("message").asText())
                .endsWith("(rule: claim custom:kvs_channels or scope https://kvs.example.com/join:*)");
        assertThat(byScope.path("statusCode").asInt()).isEqualTo(200);
    }

    @Test
    void jwt_whenTokenHasNoSubject_answers401WithoutCalling() throws IOException {
        Map<String, String> claims = claims(SUB, "*");
        claims.remove("sub");

        JsonNode response = invoke(JWT, jwtEvent(request(FRONT_DOOR, SUB), claims, null));

        assertThat(response.path("statusCode").asInt()).isEqualTo(401);
        assertThat(body(response).path("error").asText()).isEqualTo("Unauthenticated");
        assertThat(body(response).path("message").asText()).contains("no sub claim");
        assertThat(kvs.requests()).isEmpty();
        assertNothingEchoed(response);
    }

    @ParameterizedTest
    @CsvSource({
        "iam, apigw-http-v2.awsdocs-capture.json, authorizer iam",
        "iam, apigw-rest-v1-proxy.awsdocs-capture.json, authorizer iam",
        "iam, apigw-rest-v1-proxy.java-libs-tests.json, authorizer iam",
        "iam, apigw-http-v2.java-libs-tests.json, authorizer iam",
        "jwt, apigw-http-v2-iam-authorizer.powertools-python.json, authorizer jwt",
        "jwt, apigw-http-v2.awsdocs-capture.json, authorizer jwt",
    })
    void httpEvent_whenItLacksTheModesIdentity_answers401BeforeAnythingElse(String mode, String file, String rule)
            throws IOException {
        byte[] event = Callers.post(event(file), request(FRONT_DOOR, Callers.IAM_USER_ID));

        JsonNode response = invoke(Map.of("API_AUTH", mode), event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(401);
        JsonNode body = body(response);
        assertThat(body.path("error").asText()).isEqualTo("Unauthenticated");
        assertThat(body.path("message").asText()).contains("no identity from the API's " + mode.toUpperCase());
        assertThat(kvs.requests()).isEmpty();
        JsonNode log = lastLog();
        assertThat(log.path("level").asText()).as("an API Gateway route without its authorizer").isEqualTo("WARN");
        assertThat(log.path("error_code").asText()).isEqualTo("Unauthenticated");
        assertThat(log.path("auth_rule").asText()).isEqualTo(rule);
        assertThat(log.has("caller")).isFalse();
    }

    @Test
    void httpEvent_whenUnauthenticated_isAnswered401EvenWithAnInvalidBodyOrMethod() throws IOException {
        byte[] anonymous = Callers.anonymous(sample("http-api.json"));

        JsonNode invalid = invoke(IAM, Callers.post(anonymous, "{\"clientId\": 7}"));
        JsonNode batch = invoke(IAM, Callers.post(anonymous, "{\"joins\": []}"));

        assertThat(invalid.path("statusCode").asInt()).isEqualTo(401);
        assertThat(batch.path("statusCode").asInt()).isEqualTo(401);
        assertThat(invoke(IAM, sample("invalid-method-http-api.json")).path("statusCode").asInt())
                .as("an identified caller still gets the 405").isEqualTo(405);
    }

    @Test
    void iam_whenClientIdIsTheCallersOwn_joinsAndLogsTheCallerAndItsArn() throws IOException {
        JsonNode response = invoke(IAM, iamEvent(request(FRONT_DOOR, Callers.IAM_USER_ID + ".viewer-1")));

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        JsonNode log = lastLog();
        assertThat(log.path("caller").asText()).isEqualTo(Callers.IAM_USER_ID);
        assertThat(log.path("caller_arn").asText()).isEqualTo(Callers.IAM_USER_ARN);
        assertThat(log.path("auth_rule").asText()).isEqualTo("iam policy");
        assertThat(String.join("\n", logLines)).doesNotContain("AKIAIOSFODNN7EXAMPLE").doesNotContain("Signature");
    }

    @Test
    void iam_whenClientIdIsNotTheCallers_answers403WithoutCalling() throws IOException {
        for (String clientId : List.of("viewer-1", "AIDAOTHERUSEREXAMPLE.viewer-1", Callers.IAM_USER_ID + "2")) {
            JsonNode response = invoke(IAM, iamEvent(request(FRONT_DOOR, clientId)));

            assertThat(response.path("statusCode").asInt()).as(clientId).isEqualTo(403);
            assertThat(body(response).path("message").asText()).endsWith("(rule: client id binding prefix)");
        }
        assertThat(kvs.requests()).isEmpty();
    }

    @Test
    void iam_whenCallerIsARoleSession_bindsTheSessionsClientIdForm() throws IOException {
        String userId = "AROA3XFRBF23EXAMPLE:alice@example.com";
        byte[] event = Callers.iam(iamEvent(request(FRONT_DOOR, "AROA3XFRBF23EXAMPLE_3Aalice_40example_2Ecom.cam")),
                userId, "arn:aws:sts::123456789012:assumed-role/viewers/alice@example.com");
        byte[] otherSession = Callers.iam(event, "AROA3XFRBF23EXAMPLE:bob",
                "arn:aws:sts::123456789012:assumed-role/viewers/bob");

        assertThat(invoke(IAM, event).path("statusCode").asInt()).isEqualTo(200);
        assertThat(lastLog().path("caller").asText()).isEqualTo(userId);
        assertThat(invoke(IAM, otherSession).path("statusCode").asInt()).isEqualTo(403);
        assertThat(joinedClients()).hasSize(1);
    }

    @Test
    void iam_whenCallerSignedWithCognitoIdentityPoolCredentials_bindsTheIdentityId() throws IOException {
        // The sample's role session is shared by every user of the pool; its identity id is the user's own.
        byte[] sample = event("apigw-http-v2-iam-authorizer.powertools-python.json");
        String own = "us-east-1_3A3f291106-8703-466b-8f2b-3ecee1ca56ce.tablet";

        JsonNode joined = invoke(IAM, Callers.post(sample, request(FRONT_DOOR, own)));
        JsonNode shared = invoke(IAM, Callers.post(sample, request(FRONT_DOOR, "AROA2ZJZYVRE7Y3TUXHH6.tablet")));

        assertThat(joined.path("statusCode").asInt()).isEqualTo(200);
        assertThat(lastLog().path("caller").asText()).isEqualTo("us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce");
        assertThat(shared.path("statusCode").asInt()).isEqualTo(403);
    }

    @Test
    void iam_whenRouteNamesTheChannel_joinsOnlyThatChannel() throws IOException {
        String own = Callers.IAM_USER_ID + ".lobby-screen";

        JsonNode same = invoke(IAM, Callers.channelRoute(iamEvent(request(LOBBY, own)), "lobby-7"));
        JsonNode other = invoke(IAM, Callers.channelRoute(iamEvent(request(VAULT, own)), "lobby-7"));

        assertThat(same.path("statusCode").asInt()).isEqualTo(200);
        assertThat(other.path("statusCode").asInt()).isEqualTo(403);
        assertThat(body(other).path("message").asText())
                .isEqualTo("the request names another channel than the route's path (rule: route channel)");
        assertThat(lastLog().path("auth_rule").asText()).isEqualTo("route channel");
        assertThat(joinedClients()).containsExactly(own);
    }

    @Test
    void restApi_whenIamCallerInRequestContextIdentity_isBoundLikeAnHttpApiCaller() throws IOException {
        byte[] rest = sample("rest-api.json");

        JsonNode own = invoke(IAM, Callers.post(rest, request(FRONT_DOOR, Callers.IAM_USER_ID + ".door")));
        JsonNode notOwn = invoke(IAM, Callers.post(rest, request(FRONT_DOOR, "viewer-1")));
        JsonNode anonymous = invoke(IAM, Callers.anonymous(Callers.post(rest, request(FRONT_DOOR, "viewer-1"))));

        assertThat(own.path("statusCode").asInt()).isEqualTo(200);
        assertThat(notOwn.path("statusCode").asInt()).isEqualTo(403);
        assertThat(anonymous.path("statusCode").asInt()).isEqualTo(401);
    }

    @Test
    void batch_whenSomeItemsAreNotTheCallers_refusesThemAloneAndCallsForTheOthersOnly() throws IOException {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode joins = batch.putArray("joins");
        joins.add(JSON.readTree(request(FRONT_DOOR, SUB + ".a")));
        joins.add(JSON.readTree(request(VAULT, SUB + ".b")));
        joins.add(JSON.readTree(request(FRONT_DOOR, OTHER_SUB + ".c")));
        joins.add(JSON.readTree(request(LOBBY, SUB + ".d")));

        JsonNode response = invoke(JWT, jwtEvent(batch.toString(), claims(SUB, "front-door lobby-*"), null));

        assertThat(response.path("statusCode").asInt()).isEqualTo(207);
        assertThat(response.path("headers").has("retry-after")).as("a refusal is not retried").isFalse();
        JsonNode result = body(response);
        assertThat(result.path("counts").toString()).isEqualTo("{\"Joined\":2,\"NotAuthorized\":2}");
        JsonNode vault = result.path("joins").get(1);
        assertThat(vault.path("outcome").asText()).isEqualTo("failed");
        assertThat(vault.path("error").asText()).isEqualTo("NotAuthorized");
        assertThat(vault.path("retryable").asBoolean()).isFalse();
        assertThat(vault.path("attempts").asInt()).isZero();
        assertThat(vault.path("message").asText()).endsWith("(rule: claim kvs_channels or scope kvs/join:*)");
        assertThat(result.path("joins").get(2).path("message").asText())
                .endsWith("(rule: client id binding prefix)");
        assertThat(joinedClients()).containsExactlyInAnyOrder(SUB + ".a", SUB + ".d");

        List<JsonNode> logs = logs();
        assertThat(logs).hasSize(5);
        assertThat(logs).allSatisfy(line -> assertThat(line.path("caller").asText()).isEqualTo(SUB));
        assertThat(logs.subList(0, 4)).extracting(line -> line.path("auth_rule").asText()).containsExactly(
                "claim kvs_channels", "claim kvs_channels or scope kvs/join:*", "client id binding prefix",
                "claim kvs_channels");
        assertThat(logs.get(4).path("message").asText()).isEqualTo("batch finished");
        assertNothingEchoed(response);
    }

    @Test
    void batch_whenSentBackWithACarriedJoinTheCallerMayNotMake_refusesItInsteadOfEchoingIt() throws IOException {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode joins = batch.putArray("joins");
        joins.add(((ObjectNode) JSON.readTree(request(VAULT, SUB + ".b"))).put("outcome", "joined"));
        joins.add(JSON.readTree(request(FRONT_DOOR, SUB + ".a")));

        JsonNode result = body(invoke(JWT, jwtEvent(batch.toString(), claims(SUB, "front-door"), null)));

        assertThat(result.path("joins").get(0).path("error").asText()).isEqualTo("NotAuthorized");
        assertThat(result.path("joins").get(1).path("outcome").asText()).isEqualTo("joined");
        assertThat(joinedClients()).containsExactly(SUB + ".a");
    }

    @Test
    void batch_whenRouteNamesTheChannel_refusesItemsOnOtherChannels() throws IOException {
        String own = Callers.IAM_USER_ID + ".screen";
        String batch = "{\"joins\": [" + request(LOBBY, own) + ", " + request(FRONT_DOOR, own) + "]}";

        JsonNode result = body(invoke(IAM, Callers.channelRoute(iamEvent(batch), "lobby-7")));

        assertThat(result.path("counts").toString()).isEqualTo("{\"Joined\":1,\"NotAuthorized\":1}");
        assertThat(result.path("joins").get(1).path("message").asText()).endsWith("(rule: route channel)");
        assertThat(joinedClients()).containsExactly(own);
    }

    @Test
    void nonHttpTriggers_whenJwtMode_areNotChecked() throws IOException {
        JsonNode direct = invoke(JWT, sample("stepfunctions.json"));

        assertThat(direct.path("clientId").asText()).isEqualTo("viewer-1");
        assertThat(lastLog().has("caller")).isFalse();
        assertThat(lastLog().has("auth_rule")).isFalse();
    }
}
