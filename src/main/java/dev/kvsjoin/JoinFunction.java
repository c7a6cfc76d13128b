package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.Context;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.fleet.RunSummary;
import dev.kvsjoin.join.BatchJoiner;
import dev.kvsjoin.join.BatchRequest;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.join.Joiner;
import dev.kvsjoin.join.Outcome;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.log.Level;
import dev.kvsjoin.log.Log;
import dev.kvsjoin.trigger.BatchResponses;
import dev.kvsjoin.trigger.EventDecoder;
import dev.kvsjoin.trigger.Responses;
import dev.kvsjoin.trigger.Trigger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation, start to end: decode the event, validate, join, log the outcome, render it for the trigger. A
 * request is one join, a batch of joins, or a fleet run's results to sum up; all three go the same way. Built once
 * per environment from its collaborators, so tests build the same graph against a local endpoint.
 */
final class JoinFunction {

    /** Kept back from the invocation's remaining time for logging and answering after the service calls. */
    static final Duration RESERVE = Duration.ofMillis(300);

    private final Settings settings;
    private final Joiner joiner;
    private final BatchJoiner batchJoiner;
    private final RunSummary runSummary;
    private final Log log;

    JoinFunction(Settings settings, Joiner joiner, RunSummary runSummary, Log log) {
        this.settings = settings;
        this.joiner = joiner;
        this.batchJoiner = new BatchJoiner(joiner, settings.batchParallelism(), settings.batchJoinsPerSecond());
        this.runSummary = runSummary;
        this.log = log;
    }

    /** Returns the response bytes, or throws the outcome's error for triggers that take errors. */
    byte[] handle(byte[] event, Context context, boolean coldStart) {
        long started = System.nanoTime();
        EventDecoder.Decoded decoded = EventDecoder.decode(event);
        Invocation invocation = new Invocation(decoded.trigger(), context, coldStart, started);
        if (decoded instanceof EventDecoder.Decoded.Request request) {
            if (BatchRequest.isBatch(request.request())) {
                return batch(request.request(), invocation);
            }
            if (RunSummary.isSummary(request.request())) {
                // Only the fleet state machine's own task may have a run's results read; no HTTP or event caller.
                return invocation.trigger() == Trigger.DIRECT ? summary(request.request(), invocation)
                        : answer(invocation, Outcome.Rejected.invalid(List.of("ResultWriterDetails: a fleet run is"
                                + " summarised on a direct invocation (the fleet state machine's task) only")), null);
            }
        }
        Outcome outcome;
        String unexpected = null;
        try {
            outcome = join(decoded, context);
        } catch (RuntimeException e) {
            unexpected = e.getClass().getName();
            outcome = internal();
        }
        return answer(invocation, outcome, unexpected);
    }

    /** What every line of one invocation shares. */
    private record Invocation(Trigger trigger, Context context, boolean coldStart, long startedNanos) {

        long elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }

        Duration budget() {
            return Duration.ofMillis(context.getRemainingTimeInMillis()).minus(RESERVE);
        }
    }

    private Outcome join(EventDecoder.Decoded decoded, Context context) {
        return switch (decoded) {
            case EventDecoder.Decoded.Invalid invalid -> Outcome.Rejected.invalid(invalid.problems());
            case EventDecoder.Decoded.MethodNotAllowed notAllowed -> Outcome.Rejected.methodNotAllowed();
            case EventDecoder.Decoded.Request request -> switch (JoinRequest.validate(request.request())) {
                case JoinRequest.Validation.Invalid invalid -> Outcome.Rejected.invalid(invalid.problems());
                case JoinRequest.Validation.Valid valid -> joiner.join(valid.request(),
                        Duration.ofMillis(context.getRemainingTimeInMillis()).minus(RESERVE));
            };
        };
    }

    /** Logs and renders a single outcome: one join, or a batch or summary refused as a whole. */
    private byte[] answer(Invocation invocation, Outcome outcome, String unexpected) {
        long durationMs = invocation.elapsedMs();
        logOutcome(invocation, outcome, durationMs, unexpected, null);
        return Responses.render(invocation.trigger(), outcome, invocation.context().getAwsRequestId(), durationMs);
    }

    private static Outcome.Rejected internal() {
        return new Outcome.Rejected(Reason.INTERNAL, "the function failed unexpectedly; see its log", List.of(),
                null, 0, null);
    }

    /**
     * Joins a batch's items: one line per item joined or refused in this pass (items carried over from an earlier
     * pass were logged then), and one line for the batch.
     */
    private byte[] batch(Object request, Invocation invocation) {
        List<BatchJoiner.ItemOutcome> items;
        switch (BatchRequest.validate(request)) {
            case BatchRequest.Validation.Invalid invalid -> {
                return answer(invocation, Outcome.Rejected.invalid(invalid.problems()), null);
            }
            case BatchRequest.Validation.Valid valid -> {
                try {
                    items = batchJoiner.join(valid.batch(), invocation.budget());
                } catch (RuntimeException e) {
                    return answer(invocation, internal(), e.getClass().getName());
                }
            }
        }
        for (BatchJoiner.ItemOutcome item : items) {
            if (!(item.item() instanceof BatchRequest.Carried)) {
                logOutcome(invocation, item.outcome(), item.durationMs(), null, item.item().index());
            }
        }
        long durationMs = invocation.elapsedMs();
        Map<String, Integer> counts = BatchResponses.counts(items);
        int joined = counts.getOrDefault(BatchResponses.JOINED, 0);
        Level level = joined == items.size() ? Level.INFO : Level.WARN;
        if (log.isEnabled(level)) {
            Map<String, Object> fields = common(invocation);
            fields.put("outcome", joined == items.size() ? "joined" : "partial");
            fields.put("batch_items", items.size());
            fields.put("batch_joined", joined);
            fields.put("batch_failed", items.size() - joined);
            fields.put("batch_counts", counts);
            if (invocation.trigger().isHttp()) {
                fields.put("http_status", joined == items.size() ? 200 : 207);
            }
            fields.put("duration_ms", durationMs);
            log.write(level, "batch finished", fields);
        }
        return BatchResponses.render(invocation.trigger(), items, invocation.context().getAwsRequestId(),
                durationMs);
    }

    /** Sums a fleet run's results by reason; one line with the sums. */
    private byte[] summary(Object request, Invocation invocation) {
        Object validated = RunSummary.validate(request);
        if (!(validated instanceof RunSummary.Request valid)) {
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) validated;
            return answer(invocation, Outcome.Rejected.invalid(problems), null);
        }
        RunSummary.Result result;
        try {
            result = runSummary.summarize(valid, invocation.budget());
        } catch (RuntimeException e) {
            return answer(invocation, internal(), e.getClass().getName());
        }
        return switch (result) {
            case RunSummary.Result.Failed failed -> answer(invocation, new Outcome.Rejected(failed.reason(),
                    failed.message(), List.of(), null, 0, failed.awsErrorCode()), null);
            case RunSummary.Result.Summed summed -> {
                long durationMs = invocation.elapsedMs();
                if (log.isEnabled(Level.INFO)) {
                    Map<String, Object> fields = common(invocation);
                    fields.put("outcome", summed.complete() ? "summarised" : "incomplete");
                    fields.put("map_run_arn", summed.request().mapRunArn());
                    fields.put("fleet_counts", summed.counts());
                    fields.put("duration_ms", durationMs);
                    log.write(Level.INFO, "fleet run summarised", fields);
                }
                yield Responses.summary(summed, durationMs);
            }
        };
    }

    private Map<String, Object> common(Invocation invocation) {
        Context context = invocation.context();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_name", settings.functionName());
        fields.put("function_version", settings.functionVersion());
        fields.put("function_memory_size", context.getMemoryLimitInMB());
        fields.put("function_arn", context.getInvokedFunctionArn());
        fields.put("function_request_id", context.getAwsRequestId());
        fields.put("xray_trace_id", context.getXrayTraceId());
        fields.put("cold_start", invocation.coldStart());
        fields.put("trigger", invocation.trigger().logName());
        return fields;
    }

    private void logOutcome(Invocation invocation, Outcome outcome, long durationMs, String unexpected,
                            Integer batchIndex) {
        Level level = level(outcome);
        if (!log.isEnabled(level)) {
            return;
        }
        Map<String, Object> fields = common(invocation);
        fields.put("batch_index", batchIndex);
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
        if (invocation.trigger().isHttp()) {
            fields.put("http_status", Responses.status(outcome));
        }
        fields.put("attempts", outcome.attempts());
        fields.put("duration_ms", durationMs);
        log.write(level, outcome instanceof Outcome.Joined ? "session joined" : "join rejected", fields);
    }

    /** INFO for what the caller is told and can act on; WARN for what an operator should look at. */
    private static Level level(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Joined joined -> Level.INFO;
            case Outcome.Rejected rejected -> switch (rejected.reason()) {
                case INVALID_REQUEST, METHOD_NOT_ALLOWED, INVALID_ARGUMENT, NOT_FOUND -> Level.INFO;
                case ACCESS_DENIED, THROTTLED, UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR, NOT_ATTEMPTED -> Level.WARN;
                case INTERNAL -> Level.ERROR;
            };
        };
    }
}
