package dev.kvsjoin.auth;

import dev.kvsjoin.join.JoinRequest;

/**
 * An authenticated HTTP caller and what it may join: the channels its rules admit (every channel for an IAM caller,
 * whose policy on the route already decided), only the channel its route names when it names one, and only under
 * client ids bound to its subject.
 *
 * @param subject who the caller is: the JWT subject claim, or for IAM the Cognito identity id or the user id
 * @param arn the IAM caller's ARN, for the log; {@code null} for JWT callers
 * @param rules the JWT caller's channel rules; {@code null} for IAM callers
 * @param routeChannel the channel the route's path names, or {@code null} on {@code POST /join}
 */
public record Caller(String subject, String arn, ChannelRules rules, String routeChannel, AuthConfig config) {

    /** The rule of a refusal because the join names another channel than the route. */
    public static final String ROUTE_CHANNEL = "route channel";
    /** The rule that admits any channel for IAM callers: their policy on {@code execute-api:Invoke}. */
    public static final String IAM_POLICY = "iam policy";

    /** Decides one join: route channel, then channel rules, then client id binding. */
    public Decision decide(JoinRequest request) {
        String channel = request.channelArn().name();
        if (routeChannel != null && !routeChannel.equals(channel)) {
            return new Decision.Denied(ROUTE_CHANNEL, "the request names another channel than the route's path"
                    + " (rule: " + ROUTE_CHANNEL + ")");
        }
        String admitted = IAM_POLICY;
        if (rules != null) {
            admitted = switch (rules.admits(channel)) {
                case CLAIM -> claimRule();
                case SCOPE -> scopeRule();
                case NONE -> null;
            };
            if (admitted == null) {
                String rule = claimRule() + " or " + scopeRule();
                return new Decision.Denied(rule, "the caller may not join this channel (rule: " + rule + ")");
            }
        }
        Decision binding = binding(request.clientId().value());
        return binding != null ? binding : new Decision.Allowed(admitted);
    }

    /** The refusal the client id binding gives, or {@code null} when the client id is the caller's. */
    private Decision binding(String clientId) {
        AuthConfig.Binding binding = config.binding();
        if (binding == AuthConfig.Binding.NONE) {
            return null;
        }
        String rule = "client id binding " + binding.name().toLowerCase(java.util.Locale.ROOT);
        String form = SubjectIds.clientIdForm(subject);
        if (form == null) {
            return new Decision.Denied(rule, "the caller's subject is too long to form a client id: its client id"
                    + " form would exceed " + SubjectIds.MAX_CLIENT_ID + " characters (rule: " + rule + ")");
        }
        if (SubjectIds.binds(binding, form, clientId)) {
            return null;
        }
        String expected = binding == AuthConfig.Binding.EXACT
                ? "the client id must be the caller's subject in client id form"
                : "the client id must be the caller's subject in client id form, alone or followed by '.' and a"
                        + " suffix";
        return new Decision.Denied(rule, expected + " (rule: " + rule + ")");
    }

    private String claimRule() {
        return "claim " + config.channelsClaim();
    }

    private String scopeRule() {
        return "scope " + config.scopePrefix() + "*";
    }
}
