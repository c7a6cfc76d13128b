package dev.kvsjoin.testing;

import java.time.Duration;

/**
 * One event's trip through {@link LocalRuntimeApi}: when it was queued, handed to the runtime and answered, and the
 * answer. Times are {@link System#nanoTime()} readings of the test JVM, so they compare with each other and with
 * {@link FunctionProcess#startedNanos()}; {@code 0} means the step did not happen.
 *
 * @param deadlineEpochMs the {@code Lambda-Runtime-Deadline-Ms} the runtime was given, or {@code 0} if never delivered
 */
public record Invocation(
        String requestId,
        String traceId,
        long deadlineEpochMs,
        long queuedNanos,
        long deliveredNanos,
        long answeredNanos,
        Answer answer) {

    /** What the runtime made of the event. */
    public sealed interface Answer {
    }

    /** {@code POST /runtime/invocation/{id}/response}: the handler returned {@code body}. */
    public record Response(String body) implements Answer {
    }

    /**
     * {@code POST /runtime/invocation/{id}/error}: the handler threw.
     *
     * @param runtimeErrorType the {@code Lambda-Runtime-Function-Error-Type} header (the runtime client's category,
     *                         such as {@code Runtime.UserException})
     * @param body the error document ({@code errorMessage}, {@code errorType}, {@code stackTrace}), which Lambda
     *             hands to the caller as is
     * @param xrayErrorCause the {@code Lambda-Runtime-Function-XRay-Error-Cause} header, or {@code ""}
     */
    public record Error(String runtimeErrorType, String body, String xrayErrorCause) implements Answer {
    }

    /** No answer will come: the runtime failed to start, exited, or the API was closed. */
    public record Abandoned(String reason) implements Answer {
    }

    /** From handing the event to the runtime to its answer: what Lambda reports as the invocation's duration. */
    public Duration duration() {
        return deliveredNanos == 0 || answeredNanos == 0 ? Duration.ZERO
                : Duration.ofNanos(answeredNanos - deliveredNanos);
    }

    /** The response body; throws, naming what came instead, when the handler did not return normally. */
    public String responseBody() {
        if (answer instanceof Response response) {
            return response.body();
        }
        throw new IllegalStateException("invocation " + requestId + ": expected a response, got " + answer);
    }

    /** The error; throws, naming what came instead, when the handler did not throw. */
    public Error error() {
        if (answer instanceof Error error) {
            return error;
        }
        throw new IllegalStateException("invocation " + requestId + ": expected an error, got " + answer);
    }
}
