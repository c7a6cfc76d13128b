package dev.kvsjoin.testing;

import java.time.Duration;
import java.util.Objects;

/** A scripted misbehaviour for the next request of one operation; see {@link LocalKinesisVideo#failNext}. */
public sealed interface Fault {

    /** Answer this error instead of the normal answer. */
    record Error(ServiceError error, String message) implements Fault {
        public Error {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Wait, then answer normally (including the checks on known channels). */
    record Delay(Duration delay) implements Fault {
        public Delay {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay: must not be negative (received " + delay + ")");
            }
        }
    }

    /** Close the connection without sending a status line. */
    record Drop() implements Fault {
    }

    /** GetSignalingChannelEndpoint only: answer 200 with a list that holds an HTTPS endpoint but no WEBRTC one. */
    record NoWebrtcEndpoint() implements Fault {
    }

    /** GetSignalingChannelEndpoint only: answer 200 listing {@code endpoint}, verbatim, as the WEBRTC endpoint. */
    record Endpoint(String endpoint) implements Fault {
        public Endpoint {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** Answer {@code status} with {@code body} verbatim as {@code application/json} (malformed answers). */
    record Body(int status, String body) implements Fault {
        public Body {
            Objects.requireNonNull(body, "body");
        }
    }

    /** Answer 200 announcing a longer body than is sent, then close the connection mid-body. */
    record Truncated() implements Fault {
    }

    static Fault error(ServiceError error) {
        return new Error(error, "Scripted " + error.type() + " from the local Kinesis Video endpoint.");
    }

    static Fault error(ServiceError error, String message) {
        return new Error(error, message);
    }

    static Fault delay(Duration delay) {
        return new Delay(delay);
    }

    static Fault drop() {
        return new Drop();
    }

    static Fault noWebrtcEndpoint() {
        return new NoWebrtcEndpoint();
    }

    static Fault endpoint(String endpoint) {
        return new Endpoint(endpoint);
    }

    static Fault body(int status, String body) {
        return new Body(status, body);
    }

    static Fault truncated() {
        return new Truncated();
    }
}
