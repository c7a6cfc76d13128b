package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.Context;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.join.Joiner;
import dev.kvsjoin.join.Outcome;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.log.Level;
import dev.kvsjoin.log.Log;
import dev.kvsjoin.log.Metric;
import dev.kvsjoin.log.MetricValues;
import dev.kvsjoin.trigger.EventDecoder;
import dev.kvsjoin.trigger.Responses;
import dev.kvsjoin.trigger.Trigger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation, start to end: decode the event, validate, join, log the outcome, render it for the trigger. Built
 * once per environment from its collaborators, so tests build the same graph against a local endpoint.
 */
final class JoinFunction {

    /** Kept back from the invocation's remaining time for logging and answering after the service calls. */
    static final Duration RESERVE = Duration.ofMillis(300);

    private final Settings settings;
    private final Joiner joiner;
    private final Log log;

    JoinFunction(Settings settings, Joiner joiner, Log log) {
        this.settings = settings;
        this.joiner = joiner;
        this.log = log;
    }

    /** Returns the response bytes, or throws the outcome's error for triggers that take errors. */
    byte[] handle(byte[] event, Context context, boolean coldStart) {
        long startedMillis = log.epochMillis();
        long started = System.nanoTime();
        EventDecoder.Decoded decoded = EventDecoder.decode(event);
        Outcome outcome;
        String unexpected = null;
        try {
            outcome = join(decoded, context);
        } catch (RuntimeException e) {
            unexpected = e.getClass().getName();
            outcome = new Outcome.Rejected(Reason.INTERNAL, "the function failed unexpectedly; see its log",
                    List.of(), null, 0, null);
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        logOutcome(decoded, outcome, context, coldStart, startedMillis, durationMs, unexpected);
        return Responses.render(decoded.trigger(), outcome, context.getAwsRequestId(), durationMs);
    }

    private Outcome join(EventDecoder.Decoded decoded, Context context) {
        if (!decoded.problems().isEmpty()) {
            return Outcome.Rejected.invalid(decoded.problems());
        }
        return switch (JoinRequest.validate(decoded.request())) {
            case JoinRequest.Validation.Invalid invalid -> Outcome.Rejected.invalid(invalid.problems());
            case JoinRequest.Validation.Valid valid -> joiner.join(valid.request(),
                    Duration.ofMillis(context.getRemainingTimeInMillis()).minus(RESERVE));
        };
    }

    /**
     * The invocation's one line: the outcome's fields and metrics, plus what belongs to the invocation (cold start,
     * the error raised). A batch writes {@link #outcomeFields} and {@link #outcomeMetrics} per item, and the
     * invocation's metrics on its summary line, so every item's outcome counts exactly as a single join's.
     */
    private void logOutcome(EventDecoder.Decoded decoded, Outcome outcome, Context context, boolean coldStart,
                            long startedMillis, long durationMs, String unexpected) {
        Map<String, Object> fields = invocationFields(context, coldStart, decoded.trigger());
        outcomeFields(fields, outcome, unexpected);
        if (decoded.trigger().isHttp()) {
            fields.put("http_status", Responses.status(outcome));
        }
        fields.put("attempts", outcome.attempts());
        fields.put("duration_ms", durationMs);
        MetricValues metrics = invocationMetrics(outcomeMetrics(new MetricValues(startedMillis), outcome, durationMs),
                coldStart, Responses.raises(decoded.trigger(), outcome));
        log.write(level(outcome), outcome instanceof Outcome.Joined ? "session joined" : "join rejected", fields,
                metrics);
    }

    /** What identifies the function and the invocation. */
    private Map<String, Object> invocationFields(Context context, boolean coldStart, Trigger trigger) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_name", settings.functionName());
        fields.put("function_version", settings.functionVersion());
        fields.put("function_memory_size", context.getMemoryLimitInMB());
        fields.put("function_arn", context.getInvokedFunctionArn());
        fields.put("function_request_id", context.getAwsRequestId());
        fields.put("xray_trace_id", context.getXrayTraceId());
        fields.put("cold_start", coldStart);
        fields.put("trigger", trigger.logName());
        return fields;
    }

    /** What became of one join: the request once validated, and the endpoint or the error. */
    static void outcomeFields(Map<String, Object> fields, Outcome outcome, String unexpected) {
        switch (outcome) {
            case Outcome.Joined joined -> {
                fields.put("channelArn", joined.request().channelArn().value());
                fields.put("clientId", joined.request().clientId().value());
                fields.put("outcome", "joined");
                fields.put("endpoint", joined.endpoint().toString());
                fields.put("endpoint_cached", joined.endpointCached());
            }
            case Outcome.Rejected rejected -> {
                if (rejected.request() != null) {
                    fields.put("channelArn", rejected.request().channelArn().value());
                    fields.put("clientId", rejected.request().clientId().value());
                }
                fields.put("outcome", "rejected");
                fields.put("error_code", rejected.reason().code());
                fields.put("error_message", rejected.message());
                fields.put("aws_error_code", rejected.awsErrorCode());
                fields.put("problems", rejected.problems().isEmpty() ? null : rejected.problems());
                fields.put("error_type", unexpected);
            }
        }
    }

    /**
     * The metrics of one join outcome: joined or failed (its reason is the line's {@code error_code}), and for a
     * request that passed validation its duration and attempts, plus whether a join's endpoint came from the cache.
     * The line must carry {@link #outcomeFields} and {@code trigger}, the dimensions these metrics are split by.
     */
    static MetricValues outcomeMetrics(MetricValues metrics, Outcome outcome, long durationMs) {
        metrics.put(Metric.JOINED, outcome instanceof Outcome.Joined);
        metrics.put(Metric.FAILED, outcome instanceof Outcome.Rejected);
        // instanceof rather than a pattern switch: one switch site fewer to bootstrap on the first invocation
        if (outcome instanceof Outcome.Joined || outcome instanceof Outcome.Rejected r && r.request() != null) {
            metrics.put(Metric.JOIN_DURATION, durationMs);
            metrics.put(Metric.JOIN_ATTEMPTS, outcome.attempts());
        }
        if (outcome instanceof Outcome.Joined joined) {
            metrics.put(Metric.ENDPOINT_CACHE_HIT, joined.endpointCached());
        }
        return metrics;
    }

    /**
     * The metrics of the invocation, once per invocation, on its one line (a single join's) or its summary line (a
     * batch's): whether it started cold, and whether it ends in an error raised on purpose, which Lambda's
     * {@code Errors} also counts.
     */
    static MetricValues invocationMetrics(MetricValues metrics, boolean coldStart, boolean errorRaised) {
        return metrics.put(Metric.COLD_START, coldStart).put(Metric.ERRORS_RAISED, errorRaised);
    }

    /** The metrics of a batch, on its summary line with {@link #invocationMetrics}. */
    static MetricValues batchMetrics(MetricValues metrics, int items, long durationMs) {
        return metrics.put(Metric.BATCH_ITEMS, items).put(Metric.BATCH_DURATION, durationMs);
    }

    /** INFO for what the caller is told and can act on; WARN for what an operator should look at. */
    private static Level level(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Joined joined -> Level.INFO;
            case Outcome.Rejected rejected -> switch (rejected.reason()) {
                case INVALID_REQUEST, INVALID_ARGUMENT, NOT_FOUND -> Level.INFO;
                case ACCESS_DENIED, THROTTLED, UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR -> Level.WARN;
                case INTERNAL -> Level.ERROR;
            };
        };
    }
}
