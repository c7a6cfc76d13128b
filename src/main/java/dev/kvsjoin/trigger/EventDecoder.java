package dev.kvsjoin.trigger;

import dev.kvsjoin.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Recognises the trigger from the event's shape and extracts the request object from it, without judging the
 * request itself: that is {@link dev.kvsjoin.join.JoinRequest#validate}'s work.
 */
public final class EventDecoder {

    /** The trigger, and either the decoded request or the problems that kept it from being decoded. */
    public record Decoded(Trigger trigger, Object request, List<String> problems) {

        static Decoded of(Trigger trigger, Object request) {
            return new Decoded(trigger, request, List.of());
        }

        static Decoded problem(Trigger trigger, String problem) {
            return new Decoded(trigger, null, List.of(problem));
        }
    }

    private EventDecoder() {
    }

    public static Decoded decode(byte[] event) {
        Object root;
        try {
            root = Json.parse(event);
        } catch (Json.JsonSyntaxException e) {
            return Decoded.problem(Trigger.DIRECT, "event: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> fields)) {
            return Decoded.problem(Trigger.DIRECT, "event: must be a JSON object");
        }
        if (fields.get("requestContext") instanceof Map<?, ?> context) {
            if (context.get("http") instanceof Map<?, ?> || "2.0".equals(fields.get("version"))) {
                return body(Trigger.HTTP_API, fields);
            }
            if (fields.containsKey("httpMethod")) {
                return body(Trigger.REST_API, fields);
            }
        }
        if (fields.containsKey("detail-type") && fields.containsKey("source") && fields.containsKey("detail")) {
            Trigger trigger = "aws.scheduler".equals(fields.get("source")) ? Trigger.SCHEDULER : Trigger.EVENTBRIDGE;
            Object detail = fields.get("detail");
            if (detail instanceof String text) {
                return parse(trigger, "detail", text.getBytes(StandardCharsets.UTF_8));
            }
            return Decoded.of(trigger, detail);
        }
        return Decoded.of(Trigger.DIRECT, fields);
    }

    /** An API Gateway proxy event's body: a JSON document, plain or base64-encoded. */
    private static Decoded body(Trigger trigger, Map<?, ?> event) {
        Object body = event.get("body");
        if (body == null) {
            return Decoded.problem(trigger, "body: is required (a JSON object with channelArn and clientId)");
        }
        if (!(body instanceof String text)) {
            return Decoded.problem(trigger, "body: must be a string");
        }
        byte[] bytes;
        if (Boolean.TRUE.equals(event.get("isBase64Encoded"))) {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return Decoded.problem(trigger, "body: is not valid base64");
            }
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        return parse(trigger, "body", bytes);
    }

    private static Decoded parse(Trigger trigger, String field, byte[] json) {
        try {
            return Decoded.of(trigger, Json.parse(json));
        } catch (Json.JsonSyntaxException e) {
            return Decoded.problem(trigger, field + ": " + e.getMessage());
        }
    }
}
