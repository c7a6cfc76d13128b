package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.event;
import static dev.kvsjoin.testing.Fixtures.utf8;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.testing.Callers;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import dev.kvsjoin.trigger.Trigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Every outcome a join can have, brought about through the local Kinesis Video endpoint, and the request in the
 * envelope of each trigger (a real sample event of that trigger, from the test resources).
 */
enum Scenario {
    JOINED(null),
    INVALID_REQUEST(Reason.INVALID_REQUEST),
    INVALID_ARGUMENT(Reason.INVALID_ARGUMENT),
    ACCESS_DENIED(Reason.ACCESS_DENIED),
    RESOURCE_NOT_FOUND(Reason.NOT_FOUND),
    THROTTLED(Reason.THROTTLED),
    UPSTREAM_UNAVAILABLE(Reason.UPSTREAM_UNAVAILABLE),
    UPSTREAM_ERROR(Reason.UPSTREAM_ERROR),
    INTERNAL_ERROR(Reason.INTERNAL);

    static final ObjectMapper JSON = new ObjectMapper();

    /** Why the join fails, or {@code null} for a join. */
    final Reason reason;

    Scenario(Reason reason) {
        this.reason = reason;
    }

    /**
     * The event of {@code trigger} asking to join {@code channelArn}, with the local endpoint primed for this
     * outcome on the next join call (handlers built with {@code JOIN_MAX_ATTEMPTS=1}: one scripted error decides).
     */
    byte[] prepare(LocalKinesisVideo kvs, Trigger trigger, String channelArn) {
        ServiceError error = switch (this) {
            case INVALID_ARGUMENT -> ServiceError.INVALID_ARGUMENT;
            case ACCESS_DENIED -> ServiceError.ACCESS_DENIED;
            case RESOURCE_NOT_FOUND -> ServiceError.RESOURCE_NOT_FOUND;
            case THROTTLED -> ServiceError.CLIENT_LIMIT_EXCEEDED;
            case UPSTREAM_UNAVAILABLE -> ServiceError.SERVICE_UNAVAILABLE;
            case UPSTREAM_ERROR -> ServiceError.INVALID_SIGNATURE;
            case JOINED, INVALID_REQUEST, INTERNAL_ERROR -> null;
        };
        if (error != null) {
            kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(error));
        }
        return envelope(trigger, request(channelArn, this == INVALID_REQUEST ? "not valid" : VIEWER));
    }

    /** The invocation's context; for a defect, one that fails while the function joins, as a bug would. */
    Context context(String requestId) {
        TestContext context = TestContext.of(requestId);
        if (this != INTERNAL_ERROR) {
            return context;
        }
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getRemainingTimeInMillis")) {
                        throw new IllegalStateException("a defect");
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A viewer of the sample IAM caller, so that API Gateway events pass the default client id binding too. */
    static final String VIEWER = Callers.IAM_USER_ID + ".viewer-1";

    static byte[] request(String arn, String clientId) {
        return utf8("{\"channelArn\":\"" + arn + "\",\"clientId\":\"" + clientId + "\"}");
    }

    /** The request inside a real sample event of the trigger (test resources; origins in their SOURCES.md). */
    static byte[] envelope(Trigger trigger, byte[] request) {
        try {
            String body = new String(request, StandardCharsets.UTF_8);
            return switch (trigger) {
                case DIRECT -> request;
                // API Gateway events carry the identity of the deployed mode's authorizer (IAM by default).
                case HTTP_API -> Callers.iam(withBody("apigw-http-v2.java-libs-tests.json",
                        Base64.getEncoder().encodeToString(request), true));
                case REST_API -> Callers.iam(withBody("apigw-rest-v1-proxy.java-libs-tests.json", body, false));
                case EVENTBRIDGE -> {
                    ObjectNode sample = (ObjectNode) JSON.readTree(
                            event("eventbridge-rule-scheduled-event-with-detail.powertools-java.json"));
                    sample.set("detail", JSON.readTree(request));
                    yield JSON.writeValueAsBytes(sample);
                }
                case SCHEDULER -> {
                    ObjectNode sample = (ObjectNode) JSON.readTree(
                            event("eventbridge-scheduler-default-payload.dotnet-issue-1864.json"));
                    sample.put("detail", body);
                    yield JSON.writeValueAsBytes(sample);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample as a {@code POST} (the only method that joins) carrying {@code body}. */
    private static byte[] withBody(String sample, String body, boolean base64) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(event(sample));
        if (event.path("requestContext").has("http")) {
            ((ObjectNode) event.path("requestContext").path("http")).put("method", "POST");
        } else {
            event.put("httpMethod", "POST");
        }
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return JSON.writeValueAsBytes(event);
    }
}
