package dev.kvsjoin.join;

import java.net.URI;
import java.util.List;

/** What became of one join: errors are data until the trigger layer renders them. */
public sealed interface Outcome {

    /** Calls sent to Kinesis Video, retries included. */
    int attempts();

    /** The client joined the channel's storage session as a viewer through {@code endpoint}. */
    record Joined(JoinRequest request, URI endpoint, int attempts, boolean endpointCached) implements Outcome {
    }

    /**
     * The join did not happen. {@code message} is safe to show to the caller; {@code problems} lists validation
     * problems; {@code awsErrorCode} is the service's error code, for the log only.
     */
    record Rejected(Reason reason, String message, List<String> problems, JoinRequest request, int attempts,
                    String awsErrorCode) implements Outcome {

        public static Rejected invalid(List<String> problems) {
            return new Rejected(Reason.INVALID_REQUEST, "the request is invalid", problems, null, 0, null);
        }

        /** An HTTP request without the identity of the API's authorizer; {@code message} names what is missing. */
        public static Rejected unauthenticated(String message) {
            return new Rejected(Reason.UNAUTHENTICATED, message, List.of(), null, 0, null);
        }

        /** A join the caller may not make; {@code message} names the rule, never the caller's claims. */
        public static Rejected notAuthorized(String message, JoinRequest request) {
            return new Rejected(Reason.NOT_AUTHORIZED, message, List.of(), request, 0, null);
        }

        public static Rejected methodNotAllowed() {
            return new Rejected(Reason.METHOD_NOT_ALLOWED, "the method is not allowed; use POST", List.of(), null, 0,
                    null);
        }
    }
}
