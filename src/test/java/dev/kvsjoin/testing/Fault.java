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
}
