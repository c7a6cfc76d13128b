package dev.kvsjoin.errors;

/** The channel does not exist or has no storage configured ({@code ResourceNotFoundException}); not retryable. */
public final class ResourceNotFoundException extends JoinException {

    public ResourceNotFoundException(String message) {
        super(message);
    }
}
