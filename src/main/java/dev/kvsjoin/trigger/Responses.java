package dev.kvsjoin.trigger;

import dev.kvsjoin.errors.AccessDeniedException;
import dev.kvsjoin.fleet.RunSummary;
import dev.kvsjoin.errors.InternalErrorException;
import dev.kvsjoin.errors.InvalidArgumentException;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.errors.ResourceNotFoundException;
import dev.kvsjoin.errors.ThrottledException;
import dev.kvsjoin.errors.UpstreamErrorException;
import dev.kvsjoin.errors.UpstreamUnavailableException;
import dev.kvsjoin.join.Outcome;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;

/**
 * Renders an outcome in the trigger's own terms: an API Gateway proxy response with a JSON body for HTTP callers;
 * for everyone else the result object, or a thrown {@link JoinException} whose class name Step Functions matches.
 */
public final class Responses {

    /** Seconds an HTTP caller is asked to wait before retrying a transient failure. */
    static final String RETRY_AFTER_SECONDS = "1";

    private Responses() {
    }

    /**
     * Returns the response bytes, or throws the outcome's {@link JoinException} for triggers that take errors.
     *
     * @param requestId the invocation's request id, echoed in HTTP error bodies so a caller can quote it
     */
    public static byte[] render(Trigger trigger, Outcome outcome, String requestId, long durationMs) {
        if (trigger.isHttp()) {
            return proxyResponse(outcome, requestId, durationMs);
        }
        return switch (outcome) {
            case Outcome.Joined joined -> result(joined, durationMs);
            case Outcome.Rejected rejected -> throw exception(rejected);
        };
    }

    /**
     * Whether {@link #render} answers with a thrown error: a failure for a trigger that takes errors. Lambda counts
     * such an invocation in its {@code Errors} metric.
     */
    public static boolean raises(Trigger trigger, Outcome outcome) {
        return !trigger.isHttp() && outcome instanceof Outcome.Rejected;
    }

    /** The HTTP status an outcome maps to. */
    public static int status(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Joined joined -> 200;
            case Outcome.Rejected rejected -> rejected.reason().httpStatus();
        };
    }

    private static byte[] proxyResponse(Outcome outcome, String requestId, long durationMs) {
        String body = new String(switch (outcome) {
            case Outcome.Joined joined -> result(joined, durationMs);
            case Outcome.Rejected rejected -> error(rejected, requestId);
        }, StandardCharsets.UTF_8);
        boolean retryable = outcome instanceof Outcome.Rejected r && r.reason().isTransient();
        boolean notAllowed = outcome instanceof Outcome.Rejected r && r.reason() == Reason.METHOD_NOT_ALLOWED;
        return proxyResponse(status(outcome), retryable, notAllowed, body);
    }

    /** An API Gateway proxy response with a JSON body; {@code retry-after} for transient failures. */
    static byte[] proxyResponse(int status, boolean retryable, boolean notAllowed, String body) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeNumberField("statusCode", status);
            g.writeObjectFieldStart("headers");
            g.writeStringField("content-type", "application/json");
            if (retryable) {
                g.writeStringField("retry-after", RETRY_AFTER_SECONDS);
            }
            if (notAllowed) {
                g.writeStringField("allow", EventDecoder.METHOD);
            }
            g.writeEndObject();
            g.writeStringField("body", body);
            g.writeBooleanField("isBase64Encoded", false);
            g.writeEndObject();
        });
    }

    /** A fleet run's sums by reason, for the fleet state machine's output. */
    public static byte[] summary(RunSummary.Result.Summed summed, long durationMs) {
        return Json.write(g -> {
            g.writeStartObject();
            if (summed.request().mapRunArn() != null) {
                g.writeStringField("mapRunArn", summed.request().mapRunArn());
            }
            g.writeBooleanField("complete", summed.complete());
            g.writeObjectFieldStart("counts");
            long joined = 0;
            long all = 0;
            for (Map.Entry<String, Long> count : summed.counts().entrySet()) {
                g.writeNumberField(count.getKey(), count.getValue());
                all += count.getValue();
                joined += count.getKey().equals(BatchResponses.JOINED) ? count.getValue() : 0;
            }
            g.writeEndObject();
            g.writeNumberField("joined", joined);
            g.writeNumberField("failed", all - joined);
            g.writeObjectFieldStart("batches");
            g.writeNumberField("succeeded", summed.succeeded());
            g.writeNumberField("failed", summed.failed());
            g.writeNumberField("pending", summed.pending());
            g.writeEndObject();
            g.writeObjectFieldStart("results");
            g.writeStringField("bucket", summed.request().bucket());
            g.writeStringField("manifest", summed.request().manifestKey());
            g.writeEndObject();
            g.writeNumberField("durationMs", durationMs);
            g.writeEndObject();
        });
    }

    private static byte[] result(Outcome.Joined joined, long durationMs) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("channelArn", joined.request().channelArn().value());
            g.writeStringField("clientId", joined.request().clientId().value());
            g.writeStringField("endpoint", joined.endpoint().toString());
            g.writeNumberField("attempts", joined.attempts());
            g.writeNumberField("durationMs", durationMs);
            g.writeEndObject();
        });
    }

    private static byte[] error(Outcome.Rejected rejected, String requestId) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("error", rejected.reason().code());
            g.writeStringField("message", rejected.message());
            writeProblems(g, rejected);
            g.writeStringField("requestId", requestId);
            g.writeEndObject();
        });
    }

    private static void writeProblems(JsonGenerator g, Outcome.Rejected rejected) throws IOException {
        if (!rejected.problems().isEmpty()) {
            g.writeArrayFieldStart("problems");
            for (String problem : rejected.problems()) {
                g.writeString(problem);
            }
            g.writeEndArray();
        }
    }

    /** One exception class per reason: the runtime reports its fully qualified name as the error type. */
    static JoinException exception(Outcome.Rejected rejected) {
        String message = rejected.problems().isEmpty()
                ? rejected.message()
                : rejected.message() + ": " + String.join("; ", rejected.problems());
        return exception(rejected.reason(), message);
    }

    /** The error name callers match (Step Functions' Retry and Catch, a direct invoke's errorType) for a reason. */
    public static String errorName(Reason reason) {
        return exception(reason, "").getClass().getName();
    }

    static JoinException exception(Reason reason, String message) {
        return switch (reason) {
            // Only API Gateway events have a method; the case is here for the switch to stay exhaustive.
            case INVALID_REQUEST, METHOD_NOT_ALLOWED -> new InvalidRequestException(message);
            case INVALID_ARGUMENT -> new InvalidArgumentException(message);
            // Decided on HTTP callers only: the other triggers are invoked by the stack's own roles and not checked.
            case ACCESS_DENIED, UNAUTHENTICATED, NOT_AUTHORIZED -> new AccessDeniedException(message);
            case NOT_FOUND -> new ResourceNotFoundException(message);
            case THROTTLED -> new ThrottledException(message);
            // Batch items only: what was not attempted in time may succeed on a retry, as after an outage.
            case UPSTREAM_UNAVAILABLE, NOT_ATTEMPTED -> new UpstreamUnavailableException(message);
            case UPSTREAM_ERROR -> new UpstreamErrorException(message);
            case INTERNAL -> new InternalErrorException(message);
        };
    }
}
