package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The CRaC hooks as SnapStart calls them: priming before the snapshot, resets after each restore. */
class JoinHandlerSnapStartTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    private LocalKinesisVideo kvs;
    private JoinHandler handler;
    private final List<String> logLines = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(ARN);
        handler = LocalHandlers.create(kvs, Map.of(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        kvs.close();
    }

    private JsonNode join() throws IOException {
        handler.handleRequest(new ByteArrayInputStream(utf8("{\"channelArn\":\"" + ARN + "\",\"clientId\":\"v\"}")),
                new ByteArrayOutputStream(), TestContext.of("r"));
        return JSON.readTree(logLines.get(logLines.size() - 1));
    }

    @Test
    void beforeCheckpoint_primesOverLoopbackTlsWithoutCallingKinesisVideoOrLoggingInvocations() throws IOException {
        handler.beforeCheckpoint(null);

        assertThat(logLines).singleElement().satisfies(line -> {
            JsonNode json = JSON.readTree(line);
            assertThat(json.get("message").asText()).isEqualTo("primed");
            assertThat(json.get("level").asText()).isEqualTo("INFO");
        });
        assertThat(kvs.requests()).isEmpty();
        assertThat(join().get("cold_start").asBoolean()).isTrue();
    }

    @Test
    void afterRestore_replacesTheCredentialsProvider() throws IOException {
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        dev.kvsjoin.config.Settings settings = dev.kvsjoin.config.Settings.from(Map.of());
        dev.kvsjoin.aws.Clients clients = new dev.kvsjoin.aws.Clients(dev.kvsjoin.aws.Clients.httpClient(settings),
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID" + made.incrementAndGet(), "s")),
                kvs.controlEndpoint(), 1);
        handler = new JoinHandler(settings, clients, (line, level) -> logLines.add(new String(line, StandardCharsets.UTF_8)));
        join();

        handler.afterRestore(null);
        join();

        assertThat(made).hasValue(2);
        assertThat(kvs.requests()).extracting(r -> r.header("authorization").orElseThrow())
                .anySatisfy(a -> assertThat(a).contains("Credential=AKID1/"))
                .anySatisfy(a -> assertThat(a).contains("Credential=AKID2/"));
    }

    @Test
    void afterRestore_startsColdAgainAndLooksEndpointsUpAfresh() throws IOException {
        join();
        join();

        handler.afterRestore(null);
        JsonNode restored = join();

        assertThat(restored.get("cold_start").asBoolean()).isTrue();
        assertThat(restored.get("endpoint_cached").asBoolean()).isFalse();
        assertThat(kvs.requests()).extracting(Recorded::operation)
                .filteredOn(op -> op == Operation.GET_SIGNALING_CHANNEL_ENDPOINT).hasSize(2);
    }
}
