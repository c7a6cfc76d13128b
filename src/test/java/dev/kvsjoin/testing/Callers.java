package dev.kvsjoin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Puts a caller into a real-format API Gateway event, where its authorizer puts one: payload 2.0
 * {@code requestContext.authorizer.iam} (as in {@code apigw-http-v2-iam-authorizer.powertools-python.json}) or
 * {@code requestContext.authorizer.jwt} (as in {@code apigw-http-v2.java-libs-tests.json}); payload 1.0 and REST
 * {@code requestContext.identity} (as in {@code events/rest-api.json}) or {@code requestContext.authorizer.claims}.
 * Whatever authorizer the event had is replaced. Claims go in as an HTTP API hands them on: strings.
 */
public final class Callers {

    /** The IAM user of the project's sample events. */
    public static final String IAM_USER_ID = "AIDACKCEVSQ6C2EXAMPLE";
    public static final String IAM_USER_ARN = "arn:aws:iam::123456789012:user/doorbell-app";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Callers() {
    }

    /** The event with the sample IAM user as its caller. */
    public static byte[] iam(byte[] event) {
        return iam(event, IAM_USER_ID, IAM_USER_ARN);
    }

    /** The event with an IAM caller, in the form of the event's payload version. */
    public static byte[] iam(byte[] event, String userId, String userArn) {
        ObjectNode root = read(event);
        ObjectNode context = (ObjectNode) root.path("requestContext");
        if (isPayload2(root)) {
            ObjectNode iam = context.putObject("authorizer").putObject("iam");
            iam.put("accessKey", "AKIAIOSFODNN7EXAMPLE");
            iam.put("accountId", "123456789012");
            iam.put("callerId", userId);
            iam.putNull("cognitoIdentity");
            iam.putNull("principalOrgId");
            iam.put("userArn", userArn);
            iam.put("userId", userId);
        } else {
            context.remove("authorizer");
            ObjectNode identity = context.has("identity") ? (ObjectNode) context.get("identity")
                    : context.putObject("identity");
            identity.put("accountId", "123456789012");
            identity.put("caller", userId);
            identity.put("accessKey", "AKIAIOSFODNN7EXAMPLE");
            identity.put("userArn", userArn);
            identity.put("user", userId);
        }
        return write(root);
    }

    /** The event with a JWT caller: these claims (strings, as an HTTP API hands them on) and scopes. */
    public static byte[] jwt(byte[] event, Map<String, String> claims, List<String> scopes) {
        ObjectNode root = read(event);
        ObjectNode context = (ObjectNode) root.path("requestContext");
        context.remove("authorizer");
        ObjectNode authorizer = context.putObject("authorizer");
        ObjectNode holder = isPayload2(root) ? authorizer.putObject("jwt") : authorizer;
        ObjectNode claimsNode = holder.putObject("claims");
        claims.forEach(claimsNode::put);
        if (scopes == null) {
            holder.putNull("scopes");
        } else {
            scopes.forEach(holder.putArray("scopes")::add);
        }
        return write(root);
    }

    /** The event as a {@code POST} carrying {@code body} as plain JSON text. */
    public static byte[] post(byte[] event, String body) {
        ObjectNode root = read(event);
        if (isPayload2(root)) {
            ((ObjectNode) root.path("requestContext").path("http")).put("method", "POST");
        } else {
            root.put("httpMethod", "POST");
        }
        root.put("body", body);
        root.put("isBase64Encoded", false);
        return write(root);
    }

    /** The event with one more request header (lower-case name, as an HTTP API sends them). */
    public static byte[] header(byte[] event, String name, String value) {
        ObjectNode root = read(event);
        ObjectNode headers = root.path("headers").isObject() ? (ObjectNode) root.get("headers")
                : root.putObject("headers");
        headers.put(name, value);
        return write(root);
    }

    /** The event without any authorizer identity. */
    public static byte[] anonymous(byte[] event) {
        ObjectNode root = read(event);
        ObjectNode context = (ObjectNode) root.path("requestContext");
        context.remove("authorizer");
        if (context.path("identity").isObject()) {
            ((ObjectNode) context.get("identity")).putNull("user").putNull("userArn").putNull("caller");
        }
        return write(root);
    }

    /** The event on {@code POST /channels/{channel}/join}, its path naming {@code channel}. */
    public static byte[] channelRoute(byte[] event, String channel) {
        ObjectNode root = read(event);
        String path = "/channels/" + channel + "/join";
        root.putObject("pathParameters").put("channel", channel);
        if (isPayload2(root)) {
            root.put("routeKey", "POST /channels/{channel}/join");
            root.put("rawPath", path);
            ((ObjectNode) root.path("requestContext")).put("routeKey", "POST /channels/{channel}/join");
            ((ObjectNode) root.path("requestContext").path("http")).put("path", path);
        } else {
            root.put("resource", "/channels/{channel}/join");
            root.put("path", path);
        }
        return write(root);
    }

    private static boolean isPayload2(JsonNode root) {
        return "2.0".equals(root.path("version").asText());
    }

    private static ObjectNode read(byte[] event) {
        try {
            return (ObjectNode) JSON.readTree(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
