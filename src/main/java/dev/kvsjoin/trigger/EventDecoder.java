package dev.kvsjoin.trigger;

import dev.kvsjoin.auth.Identity;
import dev.kvsjoin.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Recognises the trigger from the event's shape ({@link Shape}) and extracts the request object from it, without
 * judging the request itself: that is {@link dev.kvsjoin.join.JoinRequest#validate}'s work. Every document read on
 * the way (the event, a base64 body, a Scheduler {@code detail} string) is parsed strictly, within the limits of
 * {@link Json}.
 */
public final class EventDecoder {

    /** The largest event read: API Gateway's payload limit (Lambda itself delivers at most 6 MB). */
    public static final int MAX_EVENT_BYTES = Json.MAX_DOCUMENT_BYTES;
    /**
     * The largest request document read from inside an envelope (an API Gateway body after base64 decoding, a
     * Scheduler {@code detail} string): a join request is a few hundred bytes, a batch of a few hundred joins fits.
     */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    /** The only HTTP method that joins. */
    public static final String METHOD = "POST";
    /** The path parameter of {@code POST /channels/{channel}/join}: the channel the route lets the caller join. */
    public static final String CHANNEL_PARAMETER = "channel";

    /** What an event decodes to: the trigger, and the request or why there is none. */
    public sealed interface Decoded {

        /** Who invoked the function, as far as the event's shape tells; it decides the form of the answer. */
        Trigger trigger();

        /**
         * Who sent it: for an API Gateway event, what its authorizer vouched for; for any other event (an incomplete
         * API Gateway envelope included, which API Gateway never sends), {@link Identity.Invoker}.
         */
        Identity identity();

        /**
         * The request object, not yet validated.
         *
         * @param routeChannel the channel an API Gateway route's path names, or {@code null}
         */
        record Request(Trigger trigger, Object request, Identity identity, String routeChannel) implements Decoded {
        }

        /** The event or the document inside it cannot carry a request; each problem names its field. */
        record Invalid(Trigger trigger, List<String> problems, Identity identity) implements Decoded {
        }

        /** An API Gateway request with another method than {@link #METHOD}. */
        record MethodNotAllowed(Trigger trigger, Identity identity) implements Decoded {
        }
    }

    private static final Identity INVOKER = new Identity.Invoker();

    private EventDecoder() {
    }

    public static Decoded decode(byte[] event) {
        Object root;
        try {
            root = Json.parse(event, MAX_EVENT_BYTES);
        } catch (Json.JsonSyntaxException e) {
            return invalid(Trigger.DIRECT, INVOKER, "event: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> fields)) {
            return invalid(Trigger.DIRECT, INVOKER, "event: must be a JSON object (received " + Json.describe(root)
                    + ")");
        }
        return switch (Shape.of(fields)) {
            case Shape.Http http -> body(http);
            case Shape.Bus bus -> bus.detail() instanceof String text
                    ? parse(bus.trigger(), "detail", text.getBytes(StandardCharsets.UTF_8), INVOKER, null)
                    : new Decoded.Request(bus.trigger(), bus.detail(), INVOKER, null);
            case Shape.Direct direct -> new Decoded.Request(Trigger.DIRECT, direct.request(), INVOKER, null);
            case Shape.Incomplete incomplete -> new Decoded.Invalid(incomplete.trigger(), incomplete.problems(),
                    INVOKER);
        };
    }

    /** An API Gateway request: {@code POST} only, then its body, a JSON document, plain or base64-encoded. */
    private static Decoded body(Shape.Http http) {
        Trigger trigger = http.trigger();
        Identity identity = http.identity();
        if (!METHOD.equals(http.method())) {
            return new Decoded.MethodNotAllowed(trigger, identity);
        }
        String routeChannel;
        try {
            routeChannel = http.routeChannel();
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid(trigger, List.of(e.getMessage()), identity);
        }
        boolean base64 = false;
        if (http.hasBase64Flag()) {
            if (!(http.base64Flag() instanceof Boolean flag)) {
                return invalid(trigger, identity, "isBase64Encoded: must be true or false (received "
                        + Json.describe(http.base64Flag()) + ")");
            }
            base64 = flag;
        }
        Object body = http.body();
        if (body == null) {
            return invalid(trigger, identity, "body: is required (a JSON object with channelArn and clientId)");
        }
        if (!(body instanceof String text)) {
            return invalid(trigger, identity, "body: must be a string (received " + Json.describe(body) + ")");
        }
        byte[] bytes;
        if (base64) {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return invalid(trigger, identity, "body: is not valid base64");
            }
        } else {
            // The event's strings hold no unpaired surrogate (Json rejects them), so this encoding is exact.
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        return parse(trigger, "body", bytes, identity, routeChannel);
    }

    private static Decoded parse(Trigger trigger, String field, byte[] json, Identity identity,
                                 String routeChannel) {
        try {
            return new Decoded.Request(trigger, Json.parse(json, MAX_REQUEST_BYTES), identity, routeChannel);
        } catch (Json.JsonSyntaxException e) {
            return invalid(trigger, identity, field + ": " + e.getMessage());
        }
    }

    private static Decoded invalid(Trigger trigger, Identity identity, String problem) {
        return new Decoded.Invalid(trigger, List.of(problem), identity);
    }
}
