package dev.kvsjoin.errors;

/** Kinesis Video throttled the calls ({@code ClientLimitExceededException}) after the function's own retries; retry later with backoff. */
public final class ThrottledException extends JoinException {

    public ThrottledException(String message) {
        super(message);
    }
}
