package dev.kvsjoin.auth;

import java.util.List;
import java.util.Map;

/** Who sent an event, as far as the event itself tells: the input of every access decision. */
public sealed interface Identity {

    /**
     * Not an API Gateway request: a Step Functions task, a rule, a schedule or a direct invoke, which Lambda's own
     * invoke permission admitted. These are the stack's own roles; nothing is checked.
     */
    record Invoker() implements Identity {
    }

    /** An API Gateway request whose authorizer vouched for no caller the function recognises. */
    record Unknown() implements Identity {
    }

    /**
     * A SigV4 caller that IAM authorised.
     *
     * @param userId the caller's unique id: {@code AIDA...} for an IAM user, {@code AROA...:<session name>} for a role
     * @param userArn the caller's ARN, or {@code null}
     * @param cognitoIdentityId the Cognito identity id when the caller signed with credentials of a Cognito identity
     *                          pool (whose users share one role, and so one {@code userId}), else {@code null}
     */
    record Iam(String userId, String userArn, String cognitoIdentityId) implements Identity {
    }

    /**
     * A caller whose bearer token the JWT authorizer validated.
     *
     * @param claims the token's claims as API Gateway hands them on (an HTTP API turns every value into a string,
     *               an array into {@code "[a b]"})
     * @param scopes the scopes API Gateway matched against the route, empty when the route requires none
     */
    record Jwt(Map<?, ?> claims, List<?> scopes) implements Identity {
    }
}
