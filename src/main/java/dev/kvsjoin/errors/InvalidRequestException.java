package dev.kvsjoin.errors;

/** The request is malformed or fails validation; retrying the same request fails again. */
public final class InvalidRequestException extends JoinException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
