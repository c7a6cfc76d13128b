package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.auth.Access;
import dev.kvsjoin.auth.AuthConfig;
import dev.kvsjoin.auth.Caller;
import dev.kvsjoin.auth.Decision;
import dev.kvsjoin.auth.Gate;
import dev.kvsjoin.auth.Identity;
import dev.kvsjoin.auth.SubjectIds;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.Fixtures;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The caller rules over generated callers: subjects of any characters, claims and scopes in every form a token
 * carries them, patterns valid and not, channel names that are and are not under them, and client ids built to
 * collide with other callers'. Each decision is checked against a model of the documented rule language written
 * here, not against the code's own helpers: on the rules themselves, and through the production handler graph with
 * real-format HTTP API events against the local Kinesis Video endpoint, where a refused join must never arrive.
 */
class AuthProperties {

    static final ObjectMapper JSON = new ObjectMapper();
    /** A claim value that must never be echoed. */
    static final String EMAIL = "marker-93c1@example.com";
    static LocalKinesisVideo kvs;
    static JoinHandler handler;
    static final List<String> LINES = new ArrayList<>();

    @BeforeContainer
    static void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        handler = LocalHandlers.create(kvs, Map.of("API_AUTH", "jwt", "JOIN_READ_TIMEOUT_MS", "500"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> LINES.add(new String(line, StandardCharsets.UTF_8)));
    }

    @AfterContainer
    static void stop() {
        kvs.close();
    }

    static final String PREFIX = AuthConfig.DEFAULTS.scopePrefix();
    /** The documented pattern language: a channel name, a name followed by {@code *}, or {@code *}. */
    static final Pattern DOCUMENTED_PATTERN = Pattern.compile("\\*|[a-zA-Z0-9_.-]+\\*?");
    static final Pattern CLIENT_ID = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");

    /** A generated JWT caller: its rules as written in the token, and how they were written. */
    record Rules(List<String> claimEntries, String claimForm, List<String> scopes) {

        /** The claim's value in one of the forms a token or API Gateway gives it. */
        Object claimValue() {
            return switch (claimForm) {
                case "spaces" -> String.join(" ", claimEntries);
                case "commas" -> String.join(",", claimEntries);
                case "api-gateway-array" -> "[" + String.join(" ", claimEntries) + "]";
                case "json-array-text" -> claimEntries.stream().map(e -> "\"" + e + "\"")
                        .collect(Collectors.joining(",", "[", "]"));
                default -> List.copyOf(claimEntries);
            };
        }

        /** The model: whether any documented pattern of the claim or of a prefixed scope admits {@code channel}. */
        boolean admits(String channel) {
            List<String> patterns = new ArrayList<>(claimEntries);
            scopes.stream().filter(s -> s.startsWith(PREFIX)).map(s -> s.substring(PREFIX.length()))
                    .forEach(patterns::add);
            for (String pattern : patterns) {
                String glob = Pattern.quote(pattern.replace("*", "")) + (pattern.endsWith("*") ? ".*" : "");
                if (DOCUMENTED_PATTERN.matcher(pattern).matches() && Pattern.matches(glob, channel)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Provide
    Arbitrary<String> channelName() {
        return Arbitraries.strings().withChars("ab-.7").ofMinLength(1).ofMaxLength(6);
    }

    /** Entries over the channel names' alphabet: names, prefixes with {@code *}, {@code *}, and non-patterns. */
    @Provide
    Arbitrary<String> entry() {
        return Arbitraries.oneOf(
                channelName(),
                channelName().map(n -> n + "*"),
                Arbitraries.just("*"),
                Arbitraries.of("a*b", "**", "a**", "*a", "é", "a/b", "a:b", "lobby-%"));
    }

    @Provide
    Arbitrary<Rules> rules() {
        Arbitrary<List<String>> entries = entry().list().ofMaxSize(4);
        Arbitrary<String> form = Arbitraries.of("spaces", "commas", "api-gateway-array", "json-array-text", "list");
        Arbitrary<String> scope = Arbitraries.oneOf(
                entry().map(e -> PREFIX + e),
                entry().map(e -> "other/join:" + e),
                entry().map(e -> "kvs/join" + e),
                Arbitraries.of("openid", "email", "profile"));
        return Combinators.combine(entries, form, scope.list().ofMaxSize(3)).as(Rules::new);
    }

    /**
     * Subjects of any characters, with the ones the client id form escapes ({@code . _ : | @}) made likely; never
     * blank, since a blank subject names no one and is refused as unauthenticated.
     */
    @Provide
    Arbitrary<String> subject() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab._:|@-").ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40)).filter(s -> !s.isBlank());
    }

    static JoinRequest request(String channel, String clientId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("channelArn", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/" + channel + "/1700000000000");
        fields.put("clientId", clientId);
        return ((JoinRequest.Validation.Valid) JoinRequest.validate(fields)).request();
    }

    static Caller jwtCaller(String subject, Rules rules, AuthConfig.Binding binding) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        claims.put("kvs_channels", rules.claimValue());
        AuthConfig config = new AuthConfig(AuthConfig.Mode.JWT, binding, "sub", "kvs_channels", PREFIX);
        Gate gate = new Access(config).gate(new Identity.Jwt(claims, rules.scopes()), null);
        assertThat(gate).isInstanceOf(Gate.Guarded.class);
        return ((Gate.Guarded) gate).caller();
    }

    /** The model of the prefix binding: the subject's form alone, or followed by '.' and a suffix. */
    static boolean bound(String subject, String clientId) {
        String form = SubjectIds.clientIdForm(subject);
        return form != null && (clientId.equals(form) || (clientId.startsWith(form + ".")
                && clientId.length() > form.length() + 1));
    }

    @Property(tries = 300)
    void httpCaller_joinsOnlyItsChannelsUnderItsOwnClientIds(
            @ForAll("rules") Rules rules, @ForAll("channelName") String channel, @ForAll("subject") String subject,
            @ForAll("subject") String other,
            @ForAll("collidingId") java.util.function.BiFunction<String, String, String> collide) throws IOException {
        Assume.that(!(rules.claimValue() instanceof List));
        String clientId = collide.apply(subject, other + "\u0000" + "viewer");
        Assume.that(clientId != null && CLIENT_ID.matcher(clientId).matches());
        String arn = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/" + channel + "/1700000000000";
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        claims.put("email", EMAIL);
        claims.put("kvs_channels", (String) rules.claimValue());
        String body = JSON.createObjectNode().put("channelArn", arn).put("clientId", clientId).toString();
        byte[] event = Callers.jwt(Callers.post(Fixtures.event("apigw-http-v2.java-libs-tests.json"), body), claims,
                rules.scopes());
        kvs.reset();
        kvs.addChannel(arn);
        LINES.clear();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, TestContext.of("prop"));
        JsonNode response = JSON.readTree(out.toByteArray());

        boolean allowed = rules.admits(channel) && bound(subject, clientId);
        Statistics.label("outcome").collect(allowed ? "joined" : "refused");
        List<Recorded> joins = kvs.requests().stream()
                .filter(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER).toList();
        assertThat(LINES).hasSize(1);
        JsonNode line = JSON.readTree(LINES.get(0));
        if (allowed) {
            assertThat(response.path("statusCode").asInt()).isEqualTo(200);
            assertThat(joins).hasSize(1);
            assertThat(JSON.readTree(joins.get(0).body()).path("clientId").asText()).isEqualTo(clientId);
        } else {
            assertThat(response.path("statusCode").asInt()).isEqualTo(403);
            assertThat(JSON.readTree(response.path("body").asText()).path("error").asText())
                    .isEqualTo("NotAuthorized");
            assertThat(kvs.requests()).as("requests for a refused join").isEmpty();
            assertThat(line.path("error_code").asText()).isEqualTo("NotAuthorized");
        }
        if (subject.codePointCount(0, subject.length()) <= Gate.MAX_LOGGED_SUBJECT) {
            assertThat(line.path("caller").asText()).isEqualTo(subject);
        }
        assertThat(response + LINES.get(0)).doesNotContain(EMAIL);
    }

    /** The model's inverse of the client id form: {@code _XX} back to its byte, everything else as it is. */
    static String decode(String form) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < form.length(); i++) {
            char c = form.charAt(i);
            if (c == '_') {
                bytes.write(Integer.parseInt(form.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Property(tries = 2000)
    void jwtCaller_neverJoinsAChannelOutsideItsRules(@ForAll("rules") Rules rules,
                                                     @ForAll("channelName") String channel) {
        Caller caller = jwtCaller("user-1", rules, AuthConfig.Binding.PREFIX);

        Decision decision = caller.decide(request(channel, "user-1.viewer"));

        assertThat(decision instanceof Decision.Allowed).as("%s admits %s", rules, channel)
                .isEqualTo(rules.admits(channel));
        if (decision instanceof Decision.Denied denied) {
            assertThat(denied.message()).as("no claim value echoed")
                    .isEqualTo("the caller may not join this channel (rule: claim kvs_channels or scope "
                            + PREFIX + "*)");
        }
    }

    @Property(tries = 500)
    void caller_neverJoinsOutsideTheChannelItsRouteNames(@ForAll("channelName") String route,
                                                        @ForAll("channelName") String channel) {
        Rules everything = new Rules(List.of("*"), "spaces", List.of());
        AuthConfig config = new AuthConfig(AuthConfig.Mode.JWT, AuthConfig.Binding.NONE, "sub", "kvs_channels",
                PREFIX);
        Caller jwt = ((Gate.Guarded) new Access(config).gate(new Identity.Jwt(Map.of("sub", "u",
                "kvs_channels", everything.claimValue()), List.of()), route)).caller();
        Caller iam = ((Gate.Guarded) new Access(new AuthConfig(AuthConfig.Mode.IAM, AuthConfig.Binding.NONE, "sub",
                "kvs_channels", PREFIX)).gate(new Identity.Iam("AIDAEXAMPLE", null, null), route)).caller();

        for (Caller caller : List.of(jwt, iam)) {
            assertThat(caller.decide(request(channel, "any")) instanceof Decision.Allowed)
                    .isEqualTo(channel.equals(route));
        }
    }

    @Property(tries = 2000)
    void clientIdForm_isAClientIdWithoutADotThatGivesBackTheSubject(@ForAll("subject") String subject) {
        String form = SubjectIds.clientIdForm(subject);
        Assume.that(form != null);

        assertThat(form).matches(CLIENT_ID).doesNotContain(".");
        assertThat(decode(form)).isEqualTo(subject);
    }

    @Property(tries = 3000)
    void caller_neverJoinsUnderAnotherCallersClientId(@ForAll("subject") String mine, @ForAll("subject") String theirs,
                                                      @ForAll("channelName") String suffix,
                                                      @ForAll AuthConfig.Binding binding,
                                                      @ForAll("collidingId") java.util.function.BiFunction<String,
                                                              String, String> collide) {
        Assume.that(!mine.equals(theirs) && binding != AuthConfig.Binding.NONE);
        String clientId = collide.apply(mine, theirs + "\u0000" + suffix);
        Assume.that(clientId != null && CLIENT_ID.matcher(clientId).matches());
        Rules all = new Rules(List.of("*"), "spaces", List.of());
        JoinRequest request = request("a", clientId);

        boolean forMe = jwtCaller(mine, all, binding).decide(request) instanceof Decision.Allowed;
        boolean forThem = jwtCaller(theirs, all, binding).decide(request) instanceof Decision.Allowed;

        assertThat(forMe && forThem).as("client id %s granted to two callers", clientId).isFalse();
        if (forMe) {
            assertThat(decode(clientId.split("\\.", 2)[0])).as("the owner of %s", clientId).isEqualTo(mine);
        }
    }

    /**
     * Client ids aimed at collisions: a subject's own form, with suffixes, glued to the other's, cut short, or the
     * subject written raw. The second argument is the other subject, a NUL, and a suffix.
     */
    @Provide
    Arbitrary<java.util.function.BiFunction<String, String, String>> collidingId() {
        java.util.function.BiFunction<String, String, String> own = (mine, other) -> form(mine);
        java.util.function.BiFunction<String, String, String> ownSuffixed = (mine, other) ->
                form(mine) == null ? null : form(mine) + "." + suffix(other);
        java.util.function.BiFunction<String, String, String> theirs = (mine, other) -> form(subject(other));
        java.util.function.BiFunction<String, String, String> theirsSuffixed = (mine, other) ->
                form(subject(other)) == null ? null : form(subject(other)) + "." + suffix(other);
        java.util.function.BiFunction<String, String, String> glued = (mine, other) ->
                form(mine) == null || form(subject(other)) == null ? null : form(mine) + form(subject(other));
        java.util.function.BiFunction<String, String, String> raw = (mine, other) -> subject(other) + "." + mine;
        java.util.function.BiFunction<String, String, String> cut = (mine, other) ->
                form(mine) == null || form(mine).length() < 2 ? null : form(mine).substring(0, form(mine).length() - 1);
        return Arbitraries.of(List.of(own, ownSuffixed, theirs, theirsSuffixed, glued, raw, cut));
    }

    private static String form(String subject) {
        return SubjectIds.clientIdForm(subject);
    }

    private static String subject(String otherAndSuffix) {
        return otherAndSuffix.substring(0, otherAndSuffix.indexOf('\u0000'));
    }

    private static String suffix(String otherAndSuffix) {
        return otherAndSuffix.substring(otherAndSuffix.indexOf('\u0000') + 1);
    }
}
