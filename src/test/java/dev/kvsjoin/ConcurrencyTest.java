package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Several invocations at once in one handler, as Lambda Managed Instances run them. */
class ConcurrencyTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    private LocalKinesisVideo kvs;
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private Clients clients;

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
        Settings settings = Settings.from(Map.of());
        clients = new Clients(Clients.httpClient(settings),
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                kvs.controlEndpoint(), settings.maxAttempts());
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        clients.close();
        kvs.close();
    }

    private JoinHandler handler() {
        return new JoinHandler(Settings.from(Map.of()), clients,
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
    }

    private static void invoke(JoinHandler handler, String clientId) {
        try {
            handler.handleRequest(new ByteArrayInputStream(utf8(
                    "{\"channelArn\":\"" + ARN + "\",\"clientId\":\"" + clientId + "\"}")),
                    new ByteArrayOutputStream(), TestContext.of(clientId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code n} invocations released at the same instant. */
    private void atOnce(JoinHandler handler, int n) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String clientId = "viewer-" + i;
            done.add(threads.submit(() -> {
                start.await();
                invoke(handler, clientId);
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
    }

    private List<JsonNode> logs() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : List.copyOf(logLines)) {
            parsed.add(JSON.readTree(line));
        }
        return parsed;
    }

    @Test
    void firstJoins_whenConcurrentOnOneChannel_shareOneLookup() throws Exception {
        // A slow lookup keeps the first one in flight while the others arrive.
        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.delay(Duration.ofMillis(300)));

        atOnce(handler(), 8);

        List<Recorded> requests = kvs.requests();
        assertThat(requests).filteredOn(r -> r.operation() == Operation.GET_SIGNALING_CHANNEL_ENDPOINT).hasSize(1);
        assertThat(requests).filteredOn(r -> r.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER).hasSize(8);
        assertThat(logs()).hasSize(8).allSatisfy(log -> assertThat(log.path("outcome").asText()).isEqualTo("joined"));
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void coldStart_whenFirstInvocationsArriveTogether_isClaimedByExactlyOne() throws Exception {
        for (int round = 0; round < 100; round++) {
            logLines.clear();

            atOnce(handler(), 2);

            assertThat(logs()).as("round " + round).hasSize(2)
                    .filteredOn(log -> log.path("cold_start").asBoolean()).hasSize(1);
        }
    }
}
