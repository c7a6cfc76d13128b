package dev.kvsjoin.testing;

/**
 * The errors {@link LocalKinesisVideo} can answer, with the HTTP status each service gives them.
 *
 * <p>The modeled statuses come from the service models as the SDK is generated from them: the storage API
 * declares AccessDeniedException as 403, the control plane as 401; the other modeled errors agree.
 */
public enum ServiceError {
    CLIENT_LIMIT_EXCEEDED("ClientLimitExceededException", 400, 400),
    INVALID_ARGUMENT("InvalidArgumentException", 400, 400),
    ACCESS_DENIED("AccessDeniedException", 401, 403),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404, 404),
    INTERNAL_FAILURE("InternalFailure", 500, 500),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, 503),
    /** SigV4 errors, answered before the operation runs: a bad signature, and temporary credentials past expiry. */
    INVALID_SIGNATURE("InvalidSignatureException", 403, 403),
    EXPIRED_TOKEN("ExpiredTokenException", 403, 403),
    /** What this endpoint answers to a request that fails a check; recorded as a violation. */
    VALIDATION("ValidationException", 400, 400),
    /** What a rest-json service answers to a method and path it does not route. */
    UNKNOWN_OPERATION("UnknownOperationException", 404, 404);

    private final String type;
    private final int controlStatus;
    private final int webrtcStatus;

    ServiceError(String type, int controlStatus, int webrtcStatus) {
        this.type = type;
        this.controlStatus = controlStatus;
        this.webrtcStatus = webrtcStatus;
    }

    /** The error code, as the SDK reads it from {@code x-amzn-ErrorType} up to the first colon. */
    public String type() {
        return type;
    }

    public int status(Listener listener) {
        return switch (listener) {
            case CONTROL -> controlStatus;
            case WEBRTC -> webrtcStatus;
        };
    }
}
