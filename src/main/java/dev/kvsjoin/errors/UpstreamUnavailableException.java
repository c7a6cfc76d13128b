package dev.kvsjoin.errors;

/** Kinesis Video could not be reached, timed out or failed with a server error; transient, retry later. */
public final class UpstreamUnavailableException extends JoinException {

    public UpstreamUnavailableException(String message) {
        super(message);
    }
}
