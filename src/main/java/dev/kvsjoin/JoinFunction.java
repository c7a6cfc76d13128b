package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.Context;
import dev.kvsjoin.auth.Access;
import dev.kvsjoin.auth.Decision;
import dev.kvsjoin.auth.Gate;
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
import dev.kvsjoin.log.Metric;
import dev.kvsjoin.log.MetricValues;
import dev.kvsjoin.trigger.BatchResponses;
import dev.kvsjoin.trigger.EventDecoder;
import dev.kvsjoin.trigger.Responses;
import dev.kvsjoin.trigger.Trigger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation, start to end: decode the event, know the caller, validate, decide, join, log the outcome, render it
 * for the trigger. A request is one join, a batch of joins, or a fleet run's results to sum up; all three go the same
 * way. Built once per environment from its collaborators, so tests build the same graph against a local endpoint.
 */
final class JoinFunction {

    /** Kept back from the invocation's remaining time for logging and answering after the service calls. */
    static final Duration RESERVE = Duration.ofMillis(300);

    private final Settings settings;
    private final Joiner joiner;
    private final BatchJoiner batchJoiner;
    private final RunSummary runSummary;
    private final Access access;
    private final Log log;

    JoinFunction(Settings settings, Joiner joiner, RunSummary runSummary, Log log) {
        this.settings = settings;
        this.joiner = joiner;
        this.batchJoiner = new BatchJoiner(joiner, settings.batchParallelism(), settings.batchJoinsPerSecond());
        this.runSummary = runSummary;
        this.access = new Access(settings.auth());
        this.log = log;
    }

    /** Returns the response bytes, or throws the outcome's error for triggers that take errors. */
    byte[] handle(byte[] event, Context context, boolean coldStart) {
        long started = System.nanoTime();
        long startedMillis = log.epochMillis();
        EventDecoder.Decoded decoded = EventDecoder.decode(event);
        Gate gate = access.gate(decoded.identity(),
                decoded instanceof EventDecoder.Decoded.Request request ? request.routeChannel() : null);
        Invocation invocation = new Invocation(decoded.trigger(), context, coldStart, started, startedMillis, gate);
        // Who calls is settled first: an HTTP event without its authorizer's identity learns nothing more.
        if (gate instanceof Gate.Closed closed) {
            return answer(invocation, Outcome.Rejected.unauthenticated(closed.message()), null, closed.rule());
        }
        if (decoded instanceof EventDecoder.Decoded.Request request) {
            if (BatchRequest.isBatch(request.request())) {
                return batch(request.request(), invocation);
            }
            if (RunSummary.isSummary(request.request())) {
                // Only the fleet state machine's own task may have a run's results read; no HTTP or event caller.
                return invocation.trigger() == Trigger.DIRECT ? summary(request.request(), invocation)
                        : answer(invocation, Outcome.Rejected.invalid(List.of("ResultWriterDetails: a fleet run is"
                                + " summarised on a direct invocation (the fleet state machine's task) only")), null,
                                null);
            }
        }
        Decided decided;
        String unexpected = null;
        try {
            decided = join(decoded, invocation);
        } catch (RuntimeException e) {
            unexpected = e.getClass().getName();
            decided = new Decided(internal(), null);
        }
        return answer(invocation, decided.outcome(), unexpected, decided.authRule());
    }

    /**
     * What every line of one invocation shares; {@code gate} knows the HTTP caller; {@code startedMillis} is the
     * metrics' timestamp, as Lambda stamps its own metrics with the invocation's start.
     */
    private record Invocation(Trigger trigger, Context context, boolean coldStart, long startedNanos,
                              long startedMillis, Gate gate) {

        long elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }

        Duration budget() {
            return Duration.ofMillis(context.getRemainingTimeInMillis()).minus(RESERVE);
        }
    }

    /** An outcome and the rule that let the join through or refused it ({@code null} when none was checked). */
    private record Decided(Outcome outcome, String authRule) {
    }

    private Decided join(EventDecoder.Decoded decoded, Invocation invocation) {
        return switch (decoded) {
            case EventDecoder.Decoded.Invalid invalid ->
                    new Decided(Outcome.Rejected.invalid(invalid.problems()), null);
            case EventDecoder.Decoded.MethodNotAllowed notAllowed ->
                    new Decided(Outcome.Rejected.methodNotAllowed(), null);
            case EventDecoder.Decoded.Request request -> switch (JoinRequest.validate(request.request())) {
                case JoinRequest.Validation.Invalid invalid ->
                        new Decided(Outcome.Rejected.invalid(invalid.problems()), null);
                case JoinRequest.Validation.Valid valid -> switch (invocation.gate().decide(valid.request())) {
                    case Decision.Denied denied -> new Decided(
                            Outcome.Rejected.notAuthorized(denied.message(), valid.request()), denied.rule());
                    case Decision.Allowed allowed ->
                            new Decided(joiner.join(valid.request(), invocation.budget()), allowed.rule());
                };
            };
        };
    }

    /** Logs and renders a single outcome: one join, or a batch or summary refused as a whole. */
    private byte[] answer(Invocation invocation, Outcome outcome, String unexpected, String authRule) {
        long durationMs = invocation.elapsedMs();
        logOutcome(invocation, outcome, durationMs, unexpected, null, authRule);
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
        List<Decision> decisions;
        switch (BatchRequest.validate(request)) {
            case BatchRequest.Validation.Invalid invalid -> {
                return answer(invocation, Outcome.Rejected.invalid(invalid.problems()), null, null);
            }
            case BatchRequest.Validation.Valid valid -> {
                try {
                    Gate.Screened screened = invocation.gate().screen(valid.batch());
                    decisions = screened.decisions();
                    items = batchJoiner.join(screened.batch(), invocation.budget());
                } catch (RuntimeException e) {
                    return answer(invocation, internal(), e.getClass().getName(), null);
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            BatchJoiner.ItemOutcome item = items.get(i);
            if (!(item.item() instanceof BatchRequest.Carried)) {
                Decision decision = decisions.get(i);
                logOutcome(invocation, item.outcome(), item.durationMs(), null, item.item().index(),
                        decision == null ? null : decision.rule());
            }
        }
        long durationMs = invocation.elapsedMs();
        Map<String, Integer> counts = BatchResponses.counts(items);
        int joined = counts.getOrDefault(BatchResponses.JOINED, 0);
        boolean allJoined = joined == items.size();
        Map<String, Object> fields = common(invocation);
        fields.put("outcome", allJoined ? "joined" : "partial");
        fields.put("batch_items", items.size());
        fields.put("batch_joined", joined);
        fields.put("batch_failed", items.size() - joined);
        fields.put("batch_counts", counts);
        if (invocation.trigger().isHttp()) {
            fields.put("http_status", BatchResponses.status(items));
        }
        fields.put("duration_ms", durationMs);
        // The invocation's own metrics go on this line, once: the items' lines carry only their outcomes'.
        MetricValues metrics = invocationMetrics(batchMetrics(new MetricValues(invocation.startedMillis()),
                items.size(), durationMs), invocation.coldStart(), BatchResponses.raises(invocation.trigger(), items));
        // As loud as its loudest item: a batch whose failures are all the caller's own is no operator's concern.
        Level level = Level.INFO;
        for (BatchJoiner.ItemOutcome item : items) {
            Level itemLevel = level(item.outcome());
            level = itemLevel.compareTo(level) > 0 ? itemLevel : level;
        }
        log.write(level, "batch finished", fields, metrics);
        return BatchResponses.render(invocation.trigger(), items, invocation.context().getAwsRequestId(),
                durationMs);
    }

    /** Sums a fleet run's results by reason; one line with the sums. */
    private byte[] summary(Object request, Invocation invocation) {
        Object validated = RunSummary.validate(request);
        if (!(validated instanceof RunSummary.Request valid)) {
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) validated;
            return answer(invocation, Outcome.Rejected.invalid(problems), null, null);
        }
        RunSummary.Result result;
        try {
            result = runSummary.summarize(valid, invocation.budget());
        } catch (RuntimeException e) {
            return answer(invocation, internal(), e.getClass().getName(), null);
        }
        return switch (result) {
            case RunSummary.Result.Failed failed -> summaryFailed(invocation, new Outcome.Rejected(failed.reason(),
                    failed.message(), List.of(), null, 0, failed.awsErrorCode()));
            case RunSummary.Result.Summed summed -> {
                long durationMs = invocation.elapsedMs();
                Map<String, Object> fields = common(invocation);
                fields.put("outcome", summed.complete() ? "summarised" : "incomplete");
                fields.put("map_run_arn", summed.request().mapRunArn());
                fields.put("fleet_counts", summed.counts());
                fields.put("duration_ms", durationMs);
                log.write(Level.INFO, "fleet run summarised", fields, invocationMetrics(
                        new MetricValues(invocation.startedMillis()), invocation.coldStart(), false));
                yield Responses.summary(summed, durationMs);
            }
        };
    }

    /**
     * A fleet run's results that could not be read: its own line, and no join metric, since no join failed (an S3
     * refusal must not count as Kinesis Video's); the error goes to the state machine like any other.
     */
    private byte[] summaryFailed(Invocation invocation, Outcome.Rejected failed) {
        long durationMs = invocation.elapsedMs();
        Map<String, Object> fields = common(invocation);
        fields.put("outcome", "rejected");
        fields.put("error_code", failed.reason().code());
        fields.put("error_message", failed.message());
        fields.put("aws_error_code", failed.awsErrorCode());
        fields.put("duration_ms", durationMs);
        log.write(Level.WARN, "fleet run not summarised", fields, invocationMetrics(
                new MetricValues(invocation.startedMillis()), invocation.coldStart(), true));
        return Responses.render(invocation.trigger(), failed, invocation.context().getAwsRequestId(), durationMs);
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
        // The HTTP caller's subject (and IAM ARN), never a token or another claim's value.
        fields.put("caller", invocation.gate().subject());
        fields.put("caller_arn", invocation.gate().arn());
        return fields;
    }

    /**
     * One join outcome's line: its fields and metrics, plus, for a single join ({@code batchIndex} null), the
     * invocation's metrics (cold start, the error raised). A batch item's line carries only its outcome's metrics,
     * so every item counts exactly as a single join does; its batch's summary line carries the invocation's.
     */
    private void logOutcome(Invocation invocation, Outcome outcome, long durationMs, String unexpected,
                            Integer batchIndex, String authRule) {
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
        fields.put("auth_rule", authRule);
        if (invocation.trigger().isHttp()) {
            fields.put("http_status", Responses.status(outcome));
        }
        fields.put("attempts", outcome.attempts());
        fields.put("duration_ms", durationMs);
        MetricValues metrics = outcomeMetrics(new MetricValues(invocation.startedMillis()), outcome, durationMs);
        if (batchIndex == null) {
            metrics = invocationMetrics(metrics, invocation.coldStart(), Responses.raises(invocation.trigger(), outcome));
        }
        log.write(level(outcome), outcome instanceof Outcome.Joined ? "session joined" : "join rejected", fields,
                metrics);
    }

    /**
     * The metrics of one join outcome: joined or failed (its reason is the line's {@code error_code}), and for a
     * request that passed validation its duration and attempts, plus whether a join's endpoint came from the cache.
     * The line must carry the outcome's fields and {@code trigger}, the dimensions these metrics are split by.
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
     * batch's or a fleet run's): whether it started cold, and whether it ends in an error raised on purpose, which
     * Lambda's {@code Errors} also counts.
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
                case INVALID_REQUEST, METHOD_NOT_ALLOWED, NOT_AUTHORIZED, INVALID_ARGUMENT, NOT_FOUND -> Level.INFO;
                // API Gateway sends no event without its authorizer's identity: a route or stack is misconfigured.
                case UNAUTHENTICATED, ACCESS_DENIED, THROTTLED, UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR, NOT_ATTEMPTED ->
                        Level.WARN;
                case INTERNAL -> Level.ERROR;
            };
        };
    }
}
