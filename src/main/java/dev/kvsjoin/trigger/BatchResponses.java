package dev.kvsjoin.trigger;

import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.join.BatchJoiner.ItemOutcome;
import dev.kvsjoin.join.Outcome;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;

/**
 * Renders a batch in the trigger's terms. The result lists every item with its outcome, and is itself a batch
 * request: sent back, it joins only the items still pending. HTTP callers get 200 when every item joined and 207
 * otherwise; asynchronous callers (EventBridge, Scheduler) get an error when any item failed, so that Lambda retries
 * the event and finally keeps it in the failure destination; everyone else gets the result.
 */
public final class BatchResponses {

    /** The count of joined items, beside the reasons' codes. */
    public static final String JOINED = "Joined";

    private BatchResponses() {
    }

    /** Counts by outcome: {@code Joined}, then each failure reason's code in the reasons' order. */
    public static Map<String, Integer> counts(List<ItemOutcome> items) {
        int joined = 0;
        Map<Reason, Integer> failed = new EnumMap<>(Reason.class);
        for (ItemOutcome item : items) {
            switch (item.outcome()) {
                case Outcome.Joined j -> joined++;
                case Outcome.Rejected r -> failed.merge(r.reason(), 1, Integer::sum);
            }
        }
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        if (joined > 0) {
            counts.put(JOINED, joined);
        }
        failed.forEach((reason, n) -> counts.put(reason.code(), n));
        return counts;
    }

    /** Returns the response bytes, or throws for asynchronous triggers when an item failed. */
    public static byte[] render(Trigger trigger, List<ItemOutcome> items, String requestId, long durationMs) {
        byte[] result = result(items, requestId, durationMs);
        List<Outcome.Rejected> failures = items.stream().map(ItemOutcome::outcome)
                .filter(Outcome.Rejected.class::isInstance).map(Outcome.Rejected.class::cast).toList();
        if (trigger.isHttp()) {
            boolean retryable = failures.stream().anyMatch(f -> f.reason().isTransient());
            return Responses.proxyResponse(status(items), retryable, false,
                    new String(result, StandardCharsets.UTF_8));
        }
        if (raises(trigger, items)) {
            throw exception(failures, items.size());
        }
        return result;
    }

    /** The HTTP status of a batch: 200 when every item joined, 207 when any did not. */
    public static int status(List<ItemOutcome> items) {
        return allJoined(items) ? 200 : 207;
    }

    /** Whether a batch ends in an error raised for its caller: on asynchronous triggers, when any item failed. */
    public static boolean raises(Trigger trigger, List<ItemOutcome> items) {
        return trigger.isAsynchronous() && !allJoined(items);
    }

    private static boolean allJoined(List<ItemOutcome> items) {
        return items.stream().allMatch(item -> item.outcome() instanceof Outcome.Joined);
    }

    /**
     * The error an asynchronous batch with failures raises: a transient reason's when any failure may pass on a
     * retry (so that Lambda's retries are worth it), else the first failure's.
     */
    static JoinException exception(List<Outcome.Rejected> failures, int items) {
        Outcome.Rejected chosen = failures.stream().filter(f -> f.reason().isTransient()).findFirst()
                .orElse(failures.get(0));
        String counts = failures.stream().collect(Collectors.groupingBy(f -> f.reason().code(),
                java.util.LinkedHashMap::new, Collectors.counting())).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return Responses.exception(chosen.reason(), failures.size() + " of " + items + " joins failed (" + counts
                + "); the event is retried whole, and a join is safe to repeat");
    }

    private static byte[] result(List<ItemOutcome> items, String requestId, long durationMs) {
        Map<String, Integer> counts = counts(items);
        int joined = counts.getOrDefault(JOINED, 0);
        long retryable = items.stream().filter(i -> i.outcome() instanceof Outcome.Rejected r
                && r.reason().isTransient()).count();
        return Json.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("joins");
            for (ItemOutcome item : items) {
                writeItem(g, item);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("counts");
            for (Map.Entry<String, Integer> count : counts.entrySet()) {
                g.writeNumberField(count.getKey(), count.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("joined", joined);
            g.writeNumberField("failed", items.size() - joined);
            g.writeNumberField("retryable", retryable);
            g.writeNumberField("durationMs", durationMs);
            // The invocation's request id, for a caller to quote (the log's function_request_id).
            g.writeStringField("requestId", requestId);
            g.writeEndObject();
        });
    }

    private static void writeItem(JsonGenerator g, ItemOutcome item) throws IOException {
        g.writeStartObject();
        g.writeNumberField("index", item.item().index());
        switch (item.outcome()) {
            case Outcome.Joined joined -> {
                g.writeStringField("channelArn", joined.request().channelArn().value());
                g.writeStringField("clientId", joined.request().clientId().value());
                g.writeStringField("outcome", "joined");
                if (joined.endpoint() != null) {
                    g.writeStringField("endpoint", joined.endpoint().toString());
                }
                g.writeNumberField("attempts", joined.attempts());
            }
            case Outcome.Rejected rejected -> {
                if (rejected.request() != null) {
                    g.writeStringField("channelArn", rejected.request().channelArn().value());
                    g.writeStringField("clientId", rejected.request().clientId().value());
                }
                g.writeStringField("outcome", "failed");
                g.writeStringField("error", rejected.reason().code());
                g.writeStringField("message", rejected.message());
                if (!rejected.problems().isEmpty()) {
                    g.writeArrayFieldStart("problems");
                    for (String problem : rejected.problems()) {
                        g.writeString(problem);
                    }
                    g.writeEndArray();
                }
                g.writeBooleanField("retryable", rejected.reason().isTransient());
                if (rejected.request() != null) {
                    g.writeNumberField("attempts", rejected.attempts());
                }
            }
        }
        g.writeEndObject();
    }
}
