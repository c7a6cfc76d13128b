package dev.kvsjoin.join;

import dev.kvsjoin.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A valid request to join a channel's storage session as a viewer. */
public record JoinRequest(ChannelArn channelArn, ClientId clientId) {

    /** The request's own fields, by name. */
    public static final List<String> FIELDS = List.of(ChannelArn.FIELD, ClientId.FIELD);

    /**
     * Validates a decoded request object, reporting every problem at once. Each problem names its field and the
     * rule it breaks, and describes what was received without echoing it.
     */
    public static Validation validate(Object request) {
        if (!(request instanceof Map<?, ?> fields)) {
            return new Validation.Invalid(List.of("request: must be a JSON object with channelArn and clientId"
                    + " (received " + Json.describe(request) + ")"));
        }
        List<String> problems = new ArrayList<>();
        String arn = text(fields, ChannelArn.FIELD, problems);
        String clientId = text(fields, ClientId.FIELD, problems);
        if (arn != null) {
            addIfPresent(problems, ChannelArn.problem(arn));
        }
        if (clientId != null) {
            addIfPresent(problems, ClientId.problem(clientId));
        }
        if (!problems.isEmpty()) {
            return new Validation.Invalid(List.copyOf(problems));
        }
        return new Validation.Valid(new JoinRequest(ChannelArn.of(arn), new ClientId(clientId)));
    }

    private static String text(Map<?, ?> fields, String name, List<String> problems) {
        Object value = fields.get(name);
        if (value instanceof String s) {
            return s;
        }
        if (value != null) {
            problems.add(name + ": must be a string (received " + Json.describe(value) + ")");
        } else if (fields.containsKey(name)) {
            problems.add(name + ": is required (received null)");
        } else {
            problems.add(name + ": is required" + caseHint(fields, name));
        }
        return null;
    }

    private static String caseHint(Map<?, ?> fields, String name) {
        for (Object key : fields.keySet()) {
            if (key instanceof String k && k.equalsIgnoreCase(name)) {
                return " (field names are case-sensitive; a field differing only in case was found)";
            }
        }
        return "";
    }

    private static void addIfPresent(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** The result of {@link #validate}: a request or the list of its problems. */
    public sealed interface Validation {

        /** A request that passed every rule. */
        record Valid(JoinRequest request) implements Validation {
        }

        /** The problems found, each naming its field. */
        record Invalid(List<String> problems) implements Validation {
        }
    }
}
