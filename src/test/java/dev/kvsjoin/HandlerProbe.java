package dev.kvsjoin;

import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The production handler graph against a local Kinesis Video endpoint that knows one channel, invoked with any bytes:
 * each invocation returns what the caller got, what was logged and which requests reached the endpoint. For tests
 * that feed it many generated inputs, one after the other.
 */
final class HandlerProbe implements AutoCloseable {

    static final String CHANNEL = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";

    private final LocalKinesisVideo kvs;
    private final JoinHandler handler;
    private final List<String> lines = new ArrayList<>();
    private int invocations;

    private HandlerProbe(LocalKinesisVideo kvs) {
        this.kvs = kvs;
        // Any client id joins: these inputs probe decoding and validation, not the caller rules.
        this.handler = LocalHandlers.create(kvs, Map.of("JOIN_READ_TIMEOUT_MS", "500", "JOIN_CONNECT_TIMEOUT_MS", "500",
                "CLIENT_ID_BINDING", "none"),
                StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "token")),
                (line, level) -> lines.add(new String(line, StandardCharsets.UTF_8)));
    }

    static HandlerProbe start() throws IOException {
        return new HandlerProbe(LocalKinesisVideo.start());
    }

    /** One invocation, with the endpoint's record cleared first. */
    Answer invoke(byte[] event) {
        lines.clear();
        kvs.reset();
        kvs.addChannel(CHANNEL);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Throwable thrown = null;
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out, TestContext.of("probe-" + ++invocations));
        } catch (Throwable t) {
            thrown = t;
        }
        return new Answer(out.toString(StandardCharsets.UTF_8), thrown, List.copyOf(lines), kvs.requests());
    }

    @Override
    public void close() {
        kvs.close();
    }

    /**
     * What one invocation produced.
     *
     * @param output the response bytes as text (empty when an error was thrown)
     * @param thrown what the handler threw, as the runtime would report it, or {@code null}
     * @param logLines the function's log lines
     * @param calls the requests that reached the local Kinesis Video endpoint
     */
    record Answer(String output, Throwable thrown, List<String> logLines, List<Recorded> calls) {

        /** Everything the caller and the log received, as text. */
        String everything() {
            StringBuilder all = new StringBuilder(output);
            if (thrown != null) {
                all.append('\n').append(thrown.getClass().getName()).append(": ").append(thrown.getMessage());
            }
            logLines.forEach(line -> all.append('\n').append(line));
            return all.toString();
        }
    }
}
