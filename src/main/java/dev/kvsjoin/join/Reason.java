package dev.kvsjoin.join;

/**
 * Why a join did not happen. The single source of the HTTP status each trigger reports, of the error code in
 * response bodies and logs, and (by name) of the exception thrown to Step Functions and asynchronous callers.
 */
public enum Reason {
    /** The request failed validation or could not be decoded. */
    INVALID_REQUEST(400, "InvalidRequest", false),
    /**
     * An API Gateway request with another HTTP method than {@code POST}. Only HTTP callers can get it; for the
     * others it maps to the invalid request's error.
     */
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed", false),
    /**
     * An HTTP request whose event carries no identity from the authorizer the API is deployed with. API Gateway never
     * sends one through a route with an authorizer, so it means a route without one or a hand-made event. HTTP callers
     * only; for the others it maps to the access-denied error.
     */
    UNAUTHENTICATED(401, "Unauthenticated", false),
    /**
     * The caller may not make this join: the channel is outside its rules, or the client id is not its own. Decided
     * before any Kinesis Video call; distinct from Kinesis Video's own {@link #ACCESS_DENIED}. HTTP callers only;
     * for the others it maps to the access-denied error.
     */
    NOT_AUTHORIZED(403, "NotAuthorized", false),
    /** Kinesis Video rejected an argument ({@code InvalidArgumentException}). */
    INVALID_ARGUMENT(400, "InvalidArgument", false),
    /** The function's role may not call Kinesis Video on this channel ({@code AccessDeniedException}). */
    ACCESS_DENIED(403, "AccessDenied", false),
    /** The channel does not exist or has no storage session ({@code ResourceNotFoundException}). */
    NOT_FOUND(404, "ResourceNotFound", false),
    /** Still throttled ({@code ClientLimitExceededException}) after the retries the time allowed. */
    THROTTLED(429, "Throttled", true),
    /** Kinesis Video could not be reached, timed out, or failed with a server error. */
    UPSTREAM_UNAVAILABLE(503, "UpstreamUnavailable", true),
    /** Kinesis Video answered in a way the function cannot use (an unmodeled error, no WEBRTC endpoint). */
    UPSTREAM_ERROR(502, "UpstreamError", false),
    /** A defect in the function; the log has the details. */
    INTERNAL(500, "InternalError", false),
    /** A batch item that could not be started before the invocation's time ran out (batches only). */
    NOT_ATTEMPTED(503, "NotAttempted", true);

    private final int httpStatus;
    private final String code;
    private final boolean transient_;

    Reason(int httpStatus, String code, boolean transient_) {
        this.httpStatus = httpStatus;
        this.code = code;
        this.transient_ = transient_;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The stable error code: the {@code error} of response bodies and logs, and the exception's simple name prefix. */
    public String code() {
        return code;
    }

    /** The reason with this {@link #code()}, or {@code null}. */
    public static Reason byCode(String code) {
        for (Reason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        return null;
    }

    /** Whether the same request may succeed later without any change. */
    public boolean isTransient() {
        return transient_;
    }
}
