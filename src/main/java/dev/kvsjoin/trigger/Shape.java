package dev.kvsjoin.trigger;

import dev.kvsjoin.auth.Identity;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an event is, recognised by the fields that define each envelope, in this order of precedence:
 * <ol>
 *   <li>API Gateway HTTP API, payload 2.0: {@code version} "2.0", {@code routeKey} and
 *       {@code requestContext.http.method};</li>
 *   <li>API Gateway REST API proxy or HTTP API payload 1.0: {@code httpMethod}, {@code resource}, {@code path} and
 *       {@code requestContext}, with {@code version} absent or "1.0";</li>
 *   <li>EventBridge: {@code id}, {@code detail-type}, {@code source}, {@code account}, {@code time},
 *       {@code region}, {@code resources} and {@code detail}; Scheduler when {@code source} is
 *       {@code aws.scheduler};</li>
 *   <li>an event with some fields of an API Gateway envelope but not all ({@link #API_GATEWAY_FIELDS}), or some of
 *       an EventBridge envelope ({@link #EVENTBRIDGE_FIELDS}), is incomplete: rejected, naming what is missing, in
 *       the form of the trigger it looks like (a proxy response for API Gateway), unless it also carries the
 *       request's own fields, which makes it a malformed direct request;</li>
 *   <li>anything else is the request itself.</li>
 * </ol>
 * Only the defining fields are read here; the request inside the envelope is {@link EventDecoder}'s work.
 */
sealed interface Shape {

    /** Fields only an API Gateway event carries at its top level; none means anything to a join request. */
    List<String> API_GATEWAY_FIELDS = List.of("requestContext", "httpMethod", "routeKey", "rawPath",
            "rawQueryString", "isBase64Encoded", "multiValueHeaders", "multiValueQueryStringParameters",
            "pathParameters", "stageVariables");
    /** Fields of payload 2.0 only: an incomplete event with one of them is judged as a payload 2.0 event. */
    List<String> HTTP_API_FIELDS = List.of("routeKey", "rawPath", "rawQueryString", "cookies");
    /** Fields only an EventBridge event carries ({@code detailType} is how a Java object serialises it). */
    List<String> EVENTBRIDGE_FIELDS = List.of("detail-type", "detailType");
    String SCHEDULER_SOURCE = "aws.scheduler";
    String CHANNEL_PARAMETER = EventDecoder.CHANNEL_PARAMETER;

    /** A complete API Gateway event; the request is its body. */
    record Http(Trigger trigger, String method, Map<?, ?> event) implements Shape {

        /** The {@code body} field as it arrived (absent and null alike are {@code null}). */
        Object body() {
            return event.get("body");
        }

        boolean hasBase64Flag() {
            return event.containsKey("isBase64Encoded");
        }

        /** The {@code isBase64Encoded} field as it arrived. */
        Object base64Flag() {
            return event.get("isBase64Encoded");
        }

        /**
         * The identity the API's authorizer put in the event. Payload 2.0: {@code requestContext.authorizer.jwt}
         * (claims and scopes) or {@code requestContext.authorizer.iam}; payload 1.0 and REST APIs:
         * {@code requestContext.authorizer.claims} (and {@code scopes}) or an IAM caller's
         * {@code requestContext.identity}. Anything else is no identity.
         */
        Identity identity() {
            Map<?, ?> context = (Map<?, ?>) event.get("requestContext");
            if (context.get("authorizer") instanceof Map<?, ?> authorizer) {
                if (authorizer.get("jwt") instanceof Map<?, ?> jwt && jwt.get("claims") instanceof Map<?, ?> claims) {
                    return new Identity.Jwt(claims, list(jwt.get("scopes")));
                }
                if (authorizer.get("iam") instanceof Map<?, ?> iam && nonBlank(iam.get("userId"))) {
                    Object cognito = iam.get("cognitoIdentity") instanceof Map<?, ?> c ? c.get("identityId") : null;
                    return new Identity.Iam((String) iam.get("userId"), text(iam.get("userArn")), text(cognito));
                }
                if (authorizer.get("claims") instanceof Map<?, ?> claims) {
                    return new Identity.Jwt(claims, list(authorizer.get("scopes")));
                }
            }
            if (context.get("identity") instanceof Map<?, ?> caller && nonBlank(caller.get("user"))
                    && nonBlank(caller.get("userArn"))) {
                return new Identity.Iam((String) caller.get("user"), (String) caller.get("userArn"),
                        text(caller.get("cognitoIdentityId")));
            }
            return new Identity.Unknown();
        }

        /**
         * The channel the route's path names ({@code pathParameters.channel}), {@code null} when the route names
         * none; a route whose template has {@code {channel}} must carry it.
         *
         * @throws IllegalArgumentException naming the problem, when the parameter is missing or not a string
         */
        String routeChannel() {
            Object template = trigger == Trigger.HTTP_API ? event.get("routeKey") : event.get("resource");
            boolean named = template instanceof String text && text.contains("{" + CHANNEL_PARAMETER + "}");
            Object value = event.get("pathParameters") instanceof Map<?, ?> parameters
                    ? parameters.get(CHANNEL_PARAMETER) : null;
            if (value == null && !named) {
                return null;
            }
            if (value instanceof String channel && !channel.isEmpty()) {
                return channel;
            }
            throw new IllegalArgumentException("pathParameters." + CHANNEL_PARAMETER + ": must be the channel name"
                    + " the route's path holds (received " + Json.describe(value) + ")");
        }

        private static List<?> list(Object value) {
            return value instanceof List<?> list ? list : List.of();
        }

        private static boolean nonBlank(Object value) {
            return value instanceof String text && !text.isBlank();
        }

        private static String text(Object value) {
            return value instanceof String text && !text.isBlank() ? text : null;
        }
    }

    /** A complete EventBridge event; the request is its {@code detail}, an object or a string of JSON. */
    record Bus(Trigger trigger, Object detail) implements Shape {
    }

    /** No envelope: the event is the request. */
    record Direct(Map<?, ?> request) implements Shape {
    }

    /** Part of an envelope: rejected in the form {@code trigger} calls for, with every problem found. */
    record Incomplete(Trigger trigger, List<String> problems) implements Shape {
    }

    static Shape of(Map<?, ?> event) {
        List<String> httpApi = httpApiProblems(event);
        if (httpApi.isEmpty()) {
            Map<?, ?> http = (Map<?, ?>) ((Map<?, ?>) event.get("requestContext")).get("http");
            return new Http(Trigger.HTTP_API, (String) http.get("method"), event);
        }
        List<String> rest = restProblems(event);
        if (rest.isEmpty()) {
            return new Http(Trigger.REST_API, (String) event.get("httpMethod"), event);
        }
        List<String> bus = eventBridgeProblems(event);
        if (bus.isEmpty()) {
            return new Bus(SCHEDULER_SOURCE.equals(event.get("source")) ? Trigger.SCHEDULER : Trigger.EVENTBRIDGE,
                    event.get("detail"));
        }
        List<String> apiGatewayFields = present(event, API_GATEWAY_FIELDS);
        List<String> eventBridgeFields = present(event, EVENTBRIDGE_FIELDS);
        if (apiGatewayFields.isEmpty() && eventBridgeFields.isEmpty()) {
            return new Direct(event);
        }
        List<String> found = new ArrayList<>(apiGatewayFields);
        found.addAll(eventBridgeFields);
        if (!present(event, JoinRequest.FIELDS).isEmpty()) {
            return new Incomplete(Trigger.DIRECT, List.of("event: has fields of an API Gateway or EventBridge"
                    + " envelope (" + String.join(", ", found) + ") beside the request's own fields: send the request"
                    + " alone, or a complete envelope with the request inside"));
        }
        if (!apiGatewayFields.isEmpty()) {
            boolean payload2 = "2.0".equals(event.get("version")) || !present(event, HTTP_API_FIELDS).isEmpty()
                    || (event.get("requestContext") instanceof Map<?, ?> context && context.containsKey("http"));
            return payload2
                    ? incomplete(Trigger.HTTP_API, "an API Gateway HTTP API (payload 2.0) event", httpApi)
                    : incomplete(Trigger.REST_API, "an API Gateway REST API (payload 1.0) event", rest);
        }
        return incomplete(Trigger.EVENTBRIDGE, "an EventBridge event", bus);
    }

    private static Incomplete incomplete(Trigger trigger, String what, List<String> missing) {
        List<String> problems = new ArrayList<>();
        problems.add("event: has fields of " + what + " but not all that such an event has");
        problems.addAll(missing);
        return new Incomplete(trigger, List.copyOf(problems));
    }

    private static List<String> httpApiProblems(Map<?, ?> event) {
        List<String> problems = new ArrayList<>();
        constant(event, "version", "2.0", false, problems);
        string(event, "routeKey", "routeKey", problems);
        Map<?, ?> context = object(event, "requestContext", "requestContext", problems);
        if (context != null) {
            Map<?, ?> http = object(context, "http", "requestContext.http", problems);
            if (http != null) {
                string(http, "method", "requestContext.http.method", problems);
            }
        }
        return problems;
    }

    private static List<String> restProblems(Map<?, ?> event) {
        List<String> problems = new ArrayList<>();
        constant(event, "version", "1.0", true, problems);
        string(event, "httpMethod", "httpMethod", problems);
        string(event, "resource", "resource", problems);
        string(event, "path", "path", problems);
        object(event, "requestContext", "requestContext", problems);
        return problems;
    }

    private static List<String> eventBridgeProblems(Map<?, ?> event) {
        List<String> problems = new ArrayList<>();
        for (String field : List.of("id", "detail-type", "source", "account", "time", "region")) {
            string(event, field, field, problems);
        }
        Object resources = event.get("resources");
        if (!(resources instanceof List<?>)) {
            problems.add(problem("resources", "an array", event.containsKey("resources"), resources));
        }
        Object detail = event.get("detail");
        if (!(detail instanceof Map<?, ?>) && !(detail instanceof String)) {
            problems.add(problem("detail", "an object (or, from EventBridge Scheduler, a string of JSON)",
                    event.containsKey("detail"), detail));
        }
        return problems;
    }

    private static void constant(Map<?, ?> event, String field, String value, boolean optional,
                                 List<String> problems) {
        if (value.equals(event.get(field)) || (optional && !event.containsKey(field))) {
            return;
        }
        String expected = "\"" + value + "\"" + (optional ? " or absent" : "");
        problems.add(event.containsKey(field)
                ? field + ": must be " + expected + " (received " + Json.describe(event.get(field)) + ")"
                : field + ": is required (" + expected + ")");
    }

    private static void string(Map<?, ?> map, String field, String path, List<String> problems) {
        if (!(map.get(field) instanceof String)) {
            problems.add(problem(path, "a string", map.containsKey(field), map.get(field)));
        }
    }

    private static Map<?, ?> object(Map<?, ?> map, String field, String path, List<String> problems) {
        if (map.get(field) instanceof Map<?, ?> object) {
            return object;
        }
        problems.add(problem(path, "an object", map.containsKey(field), map.get(field)));
        return null;
    }

    private static String problem(String path, String expected, boolean present, Object value) {
        return present
                ? path + ": must be " + expected + " (received " + Json.describe(value) + ")"
                : path + ": is required";
    }

    private static List<String> present(Map<?, ?> event, List<String> fields) {
        return fields.stream().filter(event::containsKey).toList();
    }
}
