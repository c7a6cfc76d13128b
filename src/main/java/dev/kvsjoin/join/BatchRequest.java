package dev.kvsjoin.join;

import dev.kvsjoin.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Many joins in one request: {@code {"joins": [...]}}, or what a Step Functions Distributed Map's
 * {@code ItemBatcher} sends, {@code {"Items": [...], "BatchInput": {...}}}. Each item is validated on its own, so an
 * invalid item fails alone. An item may carry the outcome of an earlier pass (a batch result is also a batch
 * request): a join or a permanent failure is carried over as it is, and only what is still pending is joined.
 */
public record BatchRequest(List<Item> items) {

    /**
     * The most items one request may carry: at the default rate of 10 joins a second they take 5 s, which leaves
     * the rest of the function's 20 s for retries and backoff, and they stay far under API Gateway's 30 s.
     */
    public static final int MAX_ITEMS = 50;
    /** The longest message carried over from an earlier pass. */
    static final int MAX_CARRIED_MESSAGE = 512;

    static final String JOINS = "joins";
    static final String ITEMS = "Items";
    static final String BATCH_INPUT = "BatchInput";
    /** What a batch result holds beside its items: read back as a request, they are ignored. */
    private static final Set<String> RESULT_FIELDS = Set.of("counts", "joined", "failed", "retryable", "durationMs",
            "requestId");
    private static final Set<String> OUTCOME_FIELDS = Set.of("index", "outcome", "endpoint", "attempts", "error",
            "message", "problems", "retryable");

    /** One item of the batch, by its position in the request. */
    public sealed interface Item {
        int index();
    }

    /** An item to join. */
    public record ToJoin(int index, JoinRequest request) implements Item {
    }

    /** An item that failed validation; nothing of it is echoed but its problems. */
    public record Invalid(int index, List<String> problems) implements Item {
    }

    /**
     * An item refused before any call, for a reason of its own (the caller may not make that join); it is reported
     * like a failed join, and nothing is called for it.
     */
    public record Refused(int index, JoinRequest request, Reason reason, String message) implements Item {
    }

    /** An item an earlier pass settled: joined, or failed in a way a retry would not change. */
    public record Carried(int index, JoinRequest request, Reason reason, String message) implements Item {

        /** Whether the earlier pass joined it ({@code reason} is then {@code null}). */
        public boolean joined() {
            return reason == null;
        }
    }

    /** Whether a decoded request is a batch rather than a single join: it has {@code joins} or {@code Items}. */
    public static boolean isBatch(Object request) {
        return request instanceof Map<?, ?> fields && (fields.containsKey(JOINS) || fields.containsKey(ITEMS));
    }

    /** The result of {@link #validate}: a batch whose items are each valid, invalid or carried; or why not. */
    public sealed interface Validation {
        record Valid(BatchRequest batch) implements Validation {
        }

        record Invalid(List<String> problems) implements Validation {
        }
    }

    /** Validates a batch as a whole (its shape and size), then each item on its own. */
    public static Validation validate(Object request) {
        Map<?, ?> fields = (Map<?, ?>) request;
        List<String> problems = new ArrayList<>();
        if (fields.containsKey(JOINS) && fields.containsKey(ITEMS)) {
            problems.add("request: must carry either joins or Items, not both");
        }
        String name = fields.containsKey(JOINS) ? JOINS : ITEMS;
        for (Object key : fields.keySet()) {
            if (!key.equals(JOINS) && !key.equals(ITEMS) && !key.equals(BATCH_INPUT) && !RESULT_FIELDS.contains(key)) {
                problems.add("request: a batch carries only joins (or Items and BatchInput), and a result's own"
                        + " fields; found "
                        + describeKey(key));
                break;
            }
        }
        Object items = fields.get(name);
        if (!(items instanceof List<?> list)) {
            problems.add(name + ": must be an array of {channelArn, clientId} objects (received "
                    + Json.describe(items) + ")");
        } else if (list.isEmpty() || list.size() > MAX_ITEMS) {
            problems.add(name + ": must hold 1 to " + MAX_ITEMS + " items (received " + list.size() + ")");
        }
        if (!problems.isEmpty()) {
            return new Validation.Invalid(List.copyOf(problems));
        }
        List<?> list = (List<?>) items;
        List<Item> parsed = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            parsed.add(item(i, name, list.get(i)));
        }
        return new Validation.Valid(new BatchRequest(List.copyOf(parsed)));
    }

    private static String describeKey(Object key) {
        String text = String.valueOf(key);
        return "another field (" + text.codePointCount(0, text.length()) + " characters)";
    }

    private static Item item(int index, String listName, Object raw) {
        String prefix = listName + "[" + index + "].";
        if (!(raw instanceof Map<?, ?> fields)) {
            return new Invalid(index, List.of(listName + "[" + index + "]: must be an object with channelArn and"
                    + " clientId (received " + Json.describe(raw) + ")"));
        }
        List<String> problems = new ArrayList<>();
        for (Object key : fields.keySet()) {
            if (!JoinRequest.FIELDS.contains(key) && !OUTCOME_FIELDS.contains(key)) {
                problems.add(prefix.substring(0, prefix.length() - 1) + ": has " + describeKey(key)
                        + "; an item carries channelArn, clientId and, from an earlier pass, its outcome");
                break;
            }
        }
        JoinRequest request = null;
        switch (JoinRequest.validate(fields)) {
            case JoinRequest.Validation.Valid valid -> request = valid.request();
            case JoinRequest.Validation.Invalid invalid -> invalid.problems().forEach(p -> problems.add(prefix + p));
        }
        Object outcome = fields.get("outcome");
        if (outcome != null && !outcome.equals("joined") && !outcome.equals("failed")) {
            problems.add(prefix + "outcome: must be joined or failed (received " + Json.describe(outcome) + ")");
        }
        Reason carriedReason = null;
        if ("failed".equals(outcome)) {
            Object retryable = fields.get("retryable");
            if (!(retryable instanceof Boolean)) {
                problems.add(prefix + "retryable: must be true or false when outcome is failed (received "
                        + Json.describe(retryable) + ")");
            } else if (!(Boolean) retryable) {
                carriedReason = Reason.byCode(String.valueOf(fields.get("error")));
                if (carriedReason == null || carriedReason.isTransient()) {
                    problems.add(prefix + "error: must be the code of a permanent failure when retryable is false");
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Invalid(index, List.copyOf(problems));
        }
        if ("joined".equals(outcome)) {
            return new Carried(index, request, null, null);
        }
        if (carriedReason != null) {
            return new Carried(index, request, carriedReason, carriedMessage(fields.get("message"), carriedReason));
        }
        return new ToJoin(index, request);
    }

    /** The earlier pass's message when it is a short single line, else the reason's own words. */
    private static String carriedMessage(Object message, Reason reason) {
        if (message instanceof String text && !text.isBlank() && text.length() <= MAX_CARRIED_MESSAGE
                && text.chars().noneMatch(Character::isISOControl)) {
            return text;
        }
        return "failed in an earlier pass (" + reason.code() + ")";
    }
}
