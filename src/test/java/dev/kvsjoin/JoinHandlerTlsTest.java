package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.UpstreamErrorException;
import dev.kvsjoin.errors.UpstreamUnavailableException;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.TestContext;
import dev.kvsjoin.testing.Tls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The function's trust store decides which endpoints it talks to over HTTPS. */
class JoinHandlerTlsTest {

    static final String ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";

    @TempDir
    static Path dir;
    static Tls tls;
    static LocalKinesisVideo kvs;

    @BeforeAll
    static void start() throws IOException {
        tls = Tls.create(dir);
        kvs = LocalKinesisVideo.startHttps(tls.serverContext());
        kvs.addChannel(ARN);
    }

    @AfterAll
    static void stop() {
        kvs.close();
    }

    private static byte[] join(Map<String, String> env) throws IOException {
        JoinHandler handler = LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), (l, v) -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(utf8("{\"channelArn\":\"" + ARN + "\",\"clientId\":\"v\"}")),
                out, TestContext.of("r"));
        return out.toByteArray();
    }

    @Test
    void join_whenTrustStoreHoldsAmazonRootsAndTheEndpointsCertificate_joinsOverHttps() throws IOException {
        Path store = tls.withRoots(Path.of("src/main/resources/dev/kvsjoin/amazon-roots.jks"));

        byte[] result = join(Map.of("JOIN_TRUST_STORE", store.toString()));

        assertThat(new ObjectMapper().readTree(result).get("endpoint").asText()).startsWith("https://127.0.0.1:");
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void join_whenLookupHandsOffToPlainHttp_refusesToSendTheSignedRequestInClearText() throws IOException {
        Path store = tls.withRoots(Path.of("src/main/resources/dev/kvsjoin/amazon-roots.jks"));
        try (LocalKinesisVideo plain = LocalKinesisVideo.start()) {
            plain.addChannel(ARN);
            kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.endpoint(plain.webrtcEndpoint().toString()));

            assertThatThrownBy(() -> join(Map.of("JOIN_TRUST_STORE", store.toString())))
                    .isExactlyInstanceOf(UpstreamErrorException.class)
                    .hasMessage("Kinesis Video returned a WEBRTC endpoint the function cannot use");
            assertThat(plain.requests()).isEmpty();
        }
    }

    @Test
    void join_whenDefaultAmazonRootsOnly_refusesAnEndpointThatDoesNotChainToThem() {
        kvs.reset();
        kvs.addChannel(ARN);

        assertThatThrownBy(() -> join(Map.of("JOIN_MAX_ATTEMPTS", "1")))
                .isExactlyInstanceOf(UpstreamUnavailableException.class)
                .hasMessage("Kinesis Video could not be reached; retry later");
        assertThat(kvs.requests()).isEmpty();
    }
}
