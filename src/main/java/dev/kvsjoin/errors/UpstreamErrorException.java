package dev.kvsjoin.errors;

/** Kinesis Video answered in an unexpected way (an unmodeled error or no WEBRTC endpoint); not retryable without a change. */
public final class UpstreamErrorException extends JoinException {

    public UpstreamErrorException(String message) {
        super(message);
    }
}
