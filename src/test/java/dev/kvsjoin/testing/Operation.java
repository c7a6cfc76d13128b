package dev.kvsjoin.testing;

import java.util.Arrays;
import java.util.Optional;

/** The operations {@link LocalKinesisVideo} answers, each on its own listener, routed as rest-json routes them. */
public enum Operation {
    GET_SIGNALING_CHANNEL_ENDPOINT("/getSignalingChannelEndpoint", Listener.CONTROL),
    JOIN_STORAGE_SESSION_AS_VIEWER("/joinStorageSessionAsViewer", Listener.WEBRTC);

    private final String path;
    private final Listener listener;

    Operation(String path, Listener listener) {
        this.path = path;
        this.listener = listener;
    }

    public String path() {
        return path;
    }

    public Listener listener() {
        return listener;
    }

    /** The operation a request names: rest-json routes by method and path, so anything else is unknown. */
    static Optional<Operation> routed(Listener listener, String method, String path) {
        return Arrays.stream(values())
                .filter(op -> op.listener == listener && op.path.equals(path) && "POST".equals(method))
                .findFirst();
    }
}
