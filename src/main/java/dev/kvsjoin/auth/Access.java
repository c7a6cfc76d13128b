package dev.kvsjoin.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may call, from the identity an event carries and the API's configured authorizer: HTTP events must carry that
 * authorizer's identity (never treated as anonymous), other events pass. Built once from the settings.
 */
public final class Access {

    private final AuthConfig config;

    public Access(AuthConfig config) {
        this.config = config;
    }

    /** The gate for an event's joins; {@code routeChannel} is the channel its route's path names, or {@code null}. */
    public Gate gate(Identity identity, String routeChannel) {
        String authorizer = "authorizer " + config.mode().name().toLowerCase(java.util.Locale.ROOT);
        return switch (identity) {
            case Identity.Invoker invoker -> new Gate.Open();
            case Identity.Iam iam when config.mode() == AuthConfig.Mode.IAM -> {
                String subject = iam.cognitoIdentityId() != null ? iam.cognitoIdentityId() : iam.userId();
                yield new Gate.Guarded(new Caller(subject, iam.userArn(), null, routeChannel, config));
            }
            case Identity.Jwt jwt when config.mode() == AuthConfig.Mode.JWT -> {
                Object subject = jwt.claims().get(config.subjectClaim());
                if (!(subject instanceof String text) || text.isBlank()) {
                    yield new Gate.Closed(authorizer, "the caller's token carries no " + config.subjectClaim()
                            + " claim to name it (rule: " + authorizer + ")");
                }
                ChannelRules rules = ChannelRules.of(jwt.claims().get(config.channelsClaim()), scopes(jwt),
                        config.scopePrefix());
                yield new Gate.Guarded(new Caller(text, null, rules, routeChannel, config));
            }
            default -> new Gate.Closed(authorizer, "the request carries no identity from the API's "
                    + config.mode().name() + " authorizer (rule: " + authorizer + ")");
        };
    }

    /** The scopes the authorizer matched, and those the token's {@code scope} or {@code scp} claim lists. */
    private static List<String> scopes(Identity.Jwt jwt) {
        List<String> scopes = new ArrayList<>(ChannelRules.entries(jwt.scopes()));
        Map<?, ?> claims = jwt.claims();
        scopes.addAll(ChannelRules.entries(claims.get("scope")));
        scopes.addAll(ChannelRules.entries(claims.get("scp")));
        return scopes;
    }
}
