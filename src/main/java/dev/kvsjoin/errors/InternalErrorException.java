package dev.kvsjoin.errors;

/** The function failed in an unexpected way; details are in its log, never in the error. */
public final class InternalErrorException extends JoinException {

    public InternalErrorException(String message) {
        super(message);
    }
}
