package dev.kvsjoin.errors;

/** Kinesis Video rejected an argument ({@code InvalidArgumentException}); not retryable. */
public final class InvalidArgumentException extends JoinException {

    public InvalidArgumentException(String message) {
        super(message);
    }
}
