package dev.kvsjoin.errors;

/**
 * Base of the errors the function throws to callers that receive exceptions (Step Functions, direct and
 * asynchronous invocations). The Lambda runtime reports the concrete class's fully qualified name as the error
 * type, so each subclass name is part of the function's API: state machines match it in Retry and Catch.
 *
 * <p>Built without a stack trace: the runtime would send it to the caller, and it tells them nothing useful.
 */
public abstract sealed class JoinException extends RuntimeException
        permits InvalidRequestException, InvalidArgumentException, AccessDeniedException,
        ResourceNotFoundException, ThrottledException, UpstreamUnavailableException, UpstreamErrorException,
        InternalErrorException {

    JoinException(String message) {
        super(message, null, false, false);
    }
}
