package dev.kvsjoin.errors;

/** The function's role may not call Kinesis Video on this channel ({@code AccessDeniedException}); not retryable. */
public final class AccessDeniedException extends JoinException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
