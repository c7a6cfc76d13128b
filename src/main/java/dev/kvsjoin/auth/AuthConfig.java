package dev.kvsjoin.auth;

/**
 * How HTTP callers are known and what binds them, as configured: the authorizer the HTTP API is deployed with, the
 * client id binding, and where a JWT caller's subject and channel rules are read.
 *
 * @param mode the authorizer of every route of the HTTP API ({@code API_AUTH})
 * @param binding how a client id must relate to the caller's subject ({@code CLIENT_ID_BINDING})
 * @param subjectClaim the claim naming a JWT caller ({@code JWT_SUBJECT_CLAIM})
 * @param channelsClaim the claim listing the channels a JWT caller may join ({@code JWT_CHANNELS_CLAIM})
 * @param scopePrefix the prefix of the OAuth scopes that grant channels ({@code JWT_SCOPE_PREFIX})
 */
public record AuthConfig(Mode mode, Binding binding, String subjectClaim, String channelsClaim, String scopePrefix) {

    public static final AuthConfig DEFAULTS = new AuthConfig(Mode.IAM, Binding.PREFIX, "sub", "kvs_channels",
            "kvs/join:");

    /** The authorizer the HTTP API's routes are deployed with; an HTTP event must carry its identity. */
    public enum Mode {
        /** SigV4-signed calls; IAM policies on {@code execute-api:Invoke} decide who may call which route. */
        IAM,
        /** Bearer tokens validated by API Gateway's JWT authorizer; the token's claims and scopes name the channels. */
        JWT
    }

    /** How a join's client id must relate to the caller's subject in its client id form ({@link SubjectIds}). */
    public enum Binding {
        /** The subject itself, or the subject followed by {@code .} and any suffix: several viewers per caller. */
        PREFIX,
        /** The subject itself: one viewer per caller. */
        EXACT,
        /** Any client id: for trusted callers only, since a join with another caller's client id replaces theirs. */
        NONE
    }
}
