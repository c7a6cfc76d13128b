package dev.kvsjoin.auth;

import dev.kvsjoin.join.BatchRequest;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.join.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What stands between an event and its joins, once the caller is known or found missing. */
public sealed interface Gate {

    /** Not an HTTP request: invoked through Lambda's own permission, by the stack's roles; nothing is checked. */
    record Open() implements Gate {
    }

    /** An HTTP request without the identity the API's authorizer gives; {@code rule} names that authorizer. */
    record Closed(String rule, String message) implements Gate {
    }

    /** An authenticated HTTP caller; each join is decided on its own. */
    record Guarded(Caller caller) implements Gate {
    }

    /** Longest subject written to the log, in characters; longer ones cannot form a client id anyway. */
    int MAX_LOGGED_SUBJECT = SubjectIds.MAX_CLIENT_ID;

    /** The caller's subject for the log (cut at {@link #MAX_LOGGED_SUBJECT}), or {@code null} when there is none. */
    default String subject() {
        if (!(this instanceof Guarded guarded)) {
            return null;
        }
        String subject = guarded.caller().subject();
        return subject.codePointCount(0, subject.length()) <= MAX_LOGGED_SUBJECT ? subject
                : subject.substring(0, subject.offsetByCodePoints(0, MAX_LOGGED_SUBJECT)) + "...";
    }

    /** The caller's ARN for the log (IAM callers), or {@code null}. */
    default String arn() {
        return this instanceof Guarded guarded ? guarded.caller().arn() : null;
    }

    /** Decides one join; never called on a closed gate. */
    default Decision decide(JoinRequest request) {
        return switch (this) {
            case Open open -> new Decision.Allowed(null);
            case Guarded guarded -> guarded.caller().decide(request);
            case Closed closed -> throw new IllegalStateException("a closed gate decides no join");
        };
    }

    /** A batch screened item by item: refused items replaced, and each item's decision (in items' order). */
    record Screened(BatchRequest batch, List<Decision> decisions) {
    }

    /**
     * Decides every item of a batch that names a join (to join, or carried over from an earlier pass): an item the
     * caller may not make becomes {@link BatchRequest.Refused}, so it fails alone and nothing is called for it.
     */
    default Screened screen(BatchRequest batch) {
        List<BatchRequest.Item> items = new ArrayList<>(batch.items().size());
        List<Decision> decisions = new ArrayList<>(batch.items().size());
        for (BatchRequest.Item item : batch.items()) {
            JoinRequest request = switch (item) {
                case BatchRequest.ToJoin toJoin -> toJoin.request();
                case BatchRequest.Carried carried -> carried.request();
                case BatchRequest.Invalid invalid -> null;
                case BatchRequest.Refused refused -> null;
            };
            Decision decision = request == null ? null : decide(request);
            decisions.add(decision);
            items.add(decision instanceof Decision.Denied denied
                    ? new BatchRequest.Refused(item.index(), request, Reason.NOT_AUTHORIZED, denied.message())
                    : item);
        }
        return new Screened(new BatchRequest(List.copyOf(items)), Collections.unmodifiableList(decisions));
    }
}
