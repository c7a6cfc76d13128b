package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClientBuilder;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelProtocol;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelRole;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceEndpointListItem;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClient;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClientBuilder;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.ClientLimitExceededException;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.KinesisVideoWebRtcStorageException;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.ResourceNotFoundException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

class LocalKinesisVideoTest {

    private static final String CHANNEL =
            "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door/1700000000000";
    private static final String CLIENT_ID = "viewer-1";
    private static final Region EU_WEST_1 = Region.of("eu-west-1");
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SdkAutoCloseable> clients = new ArrayList<>();
    private LocalKinesisVideo kvs;

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        kvs.addChannel(CHANNEL);
    }

    @AfterEach
    void stop() {
        clients.forEach(SdkAutoCloseable::close);
        kvs.close();
    }

    @Test
    void getSignalingChannelEndpoint_whenChannelKnown_handsOffToWebrtcListener() {
        URI handedOff = handOff(control().build());

        assertThat(handedOff).isEqualTo(kvs.webrtcEndpoint()).isNotEqualTo(kvs.controlEndpoint());
        assertThat(kvs.requests()).singleElement().satisfies(request -> {
            assertThat(request.operation()).isEqualTo(Operation.GET_SIGNALING_CHANNEL_ENDPOINT);
            assertThat(request.listener()).isEqualTo(Listener.CONTROL);
            assertThat(request.region()).isEqualTo("eu-west-1");
            assertThat(request.header("Authorization")).hasValueSatisfying(
                    value -> assertThat(value).contains("/eu-west-1/kinesisvideo/aws4_request"));
        });
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void joinStorageSessionAsViewer_whenSentToHandedOffEndpoint_reachesWebrtcListenerWithBody() throws IOException {
        URI handedOff = handOff(control().build());

        join(storage(handedOff).build());

        assertThat(kvs.requests()).hasSize(2);
        Recorded join = kvs.requests().get(1);
        assertThat(join.operation()).isEqualTo(Operation.JOIN_STORAGE_SESSION_AS_VIEWER);
        assertThat(join.listener()).isEqualTo(Listener.WEBRTC);
        assertThat(join.path()).isEqualTo("/joinStorageSessionAsViewer");
        assertThat(JSON.readTree(join.body()))
                .isEqualTo(JSON.createObjectNode().put("channelArn", CHANNEL).put("clientId", CLIENT_ID));
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void joinStorageSessionAsViewer_whenSentToControlEndpoint_answersUnknownOperation() {
        assertThatThrownBy(() -> join(storage(kvs.controlEndpoint()).build()))
                .isInstanceOfSatisfying(KinesisVideoWebRtcStorageException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                });
        assertThat(kvs.requests()).isEmpty();
        assertThat(kvs.violations()).singleElement().asString().contains("CONTROL listener: no operation");
    }

    static Stream<Arguments> storageErrors() {
        return Stream.of(
                arguments(ServiceError.CLIENT_LIMIT_EXCEEDED, ClientLimitExceededException.class, 400),
                arguments(ServiceError.INVALID_ARGUMENT, InvalidArgumentException.class, 400),
                arguments(ServiceError.ACCESS_DENIED, AccessDeniedException.class, 403),
                arguments(ServiceError.RESOURCE_NOT_FOUND, ResourceNotFoundException.class, 404));
    }

    @ParameterizedTest
    @MethodSource("storageErrors")
    void joinStorageSessionAsViewer_whenModeledErrorScripted_throwsModeledException(
            ServiceError error, Class<? extends KinesisVideoWebRtcStorageException> type, int status) {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(error, "scripted " + error.type()));

        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).build()))
                .isExactlyInstanceOf(type)
                .hasMessageContaining("scripted " + error.type())
                .satisfies(e -> {
                    AwsServiceException aws = (AwsServiceException) e;
                    assertThat(aws.statusCode()).isEqualTo(status);
                    assertThat(aws.awsErrorDetails().errorCode()).isEqualTo(error.type());
                    assertThat(aws.awsErrorDetails().errorMessage()).isEqualTo("scripted " + error.type());
                    assertThat(aws.requestId()).isNotBlank();
                });
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void getSignalingChannelEndpoint_whenAccessDeniedScripted_throwsControlPlaneAccessDeniedWith401() {
        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.error(ServiceError.ACCESS_DENIED, "denied"));

        assertThatThrownBy(() -> handOff(control().build()))
                .isInstanceOfSatisfying(software.amazon.awssdk.services.kinesisvideo.model.AccessDeniedException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(401);
                            // HttpURLConnection gives no error stream for a 401 to a streamed request, so with the
                            // url-connection client only the error code (from the header) arrives, not the message.
                            assertThat(e.awsErrorDetails().errorMessage()).isNull();
                        });
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void getSignalingChannelEndpoint_whenChannelUnknown_throwsResourceNotFound() {
        kvs.reset();

        assertThatThrownBy(() -> handOff(control().build()))
                .isInstanceOf(software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException.class)
                .hasMessageContaining("not found");
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void joinStorageSessionAsViewer_whenChannelUnknown_throwsResourceNotFound() {
        kvs.reset();

        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).build()))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void joinStorageSessionAsViewer_whenSignedForOtherRegion_recordsViolation() {
        KinesisVideoWebRtcStorageClient usEast = storage(kvs.webrtcEndpoint()).region(Region.US_EAST_1).build();

        assertThatThrownBy(() -> join(usEast))
                .isInstanceOfSatisfying(KinesisVideoWebRtcStorageException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                });
        assertThat(kvs.requests()).singleElement().extracting(Recorded::region).isEqualTo("us-east-1");
        assertThat(kvs.violations()).singleElement().asString()
                .contains("JOIN_STORAGE_SESSION_AS_VIEWER", "region us-east-1", "region eu-west-1");
    }

    @Test
    void getSignalingChannelEndpoint_whenRoleMaster_recordsViolation() {
        KinesisVideoClient client = control().build();

        assertThatThrownBy(() -> client.getSignalingChannelEndpoint(r -> r.channelARN(CHANNEL)
                        .singleMasterChannelEndpointConfiguration(c -> c.protocols(ChannelProtocol.WEBRTC)
                                .role(ChannelRole.MASTER))))
                .isInstanceOf(AwsServiceException.class);
        assertThat(kvs.violations()).singleElement().asString().contains("Role: must be VIEWER");
    }

    @Test
    void handle_whenUnsignedAndNotJson_answersValidationExceptionAndRecordsEveryProblem() throws Exception {
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(HttpRequest.newBuilder(kvs.webrtcEndpoint().resolve("/joinStorageSessionAsViewer"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channelArn\":\"nope\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(
                value -> assertThat(value).startsWith("ValidationException:"));
        assertThat(kvs.violations()).hasSize(5).anySatisfy(v -> assertThat(v).contains("Content-Type"))
                .anySatisfy(v -> assertThat(v).contains("X-Amz-Date"))
                .anySatisfy(v -> assertThat(v).contains("Authorization"))
                .anySatisfy(v -> assertThat(v).contains("channelArn: must be a Kinesis Video channel ARN"))
                .anySatisfy(v -> assertThat(v).contains("clientId"));
    }

    @Test
    void failNext_whenSeveralFaultsScripted_consumesThemInOrder() {
        KinesisVideoWebRtcStorageClient client = storage(kvs.webrtcEndpoint()).build();
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.INVALID_ARGUMENT));

        assertThatThrownBy(() -> join(client)).isInstanceOf(ClientLimitExceededException.class);
        assertThatThrownBy(() -> join(client)).isInstanceOf(InvalidArgumentException.class);
        join(client);
        handOff(control().build());

        assertThat(kvs.requests()).hasSize(4);
    }

    @Test
    void failNext_whenNoWebrtcEndpointForJoin_throwsIllegalArgument() {
        assertThatThrownBy(() -> kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.noWebrtcEndpoint()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GET_SIGNALING_CHANNEL_ENDPOINT only");
    }

    @Test
    void joinStorageSessionAsViewer_whenInternalFailureScripted_throws500() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.INTERNAL_FAILURE));

        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).build()))
                .isInstanceOfSatisfying(KinesisVideoWebRtcStorageException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
                });
    }

    @Test
    void joinStorageSessionAsViewer_whenServiceUnavailableOnceWithDefaultRetries_succeedsOnRetry() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.SERVICE_UNAVAILABLE));
        KinesisVideoWebRtcStorageClient retrying = storage(kvs.webrtcEndpoint())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.defaultRetryStrategy()))
                .build();

        join(retrying);

        assertThat(kvs.requests()).hasSize(2);
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void getSignalingChannelEndpoint_whenNoWebrtcEndpointScripted_listsNoWebrtcEndpoint() {
        kvs.failNext(Operation.GET_SIGNALING_CHANNEL_ENDPOINT, Fault.noWebrtcEndpoint());

        List<ResourceEndpointListItem> endpoints = control().build()
                .getSignalingChannelEndpoint(r -> r.channelARN(CHANNEL).singleMasterChannelEndpointConfiguration(
                        c -> c.protocols(ChannelProtocol.WEBRTC).role(ChannelRole.VIEWER)))
                .resourceEndpointList();

        assertThat(endpoints).isNotEmpty().noneMatch(e -> e.protocol() == ChannelProtocol.WEBRTC);
    }

    @Test
    void joinStorageSessionAsViewer_whenDelayShorterThanTimeout_succeedsAfterDelay() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.delay(Duration.ofMillis(300)));
        KinesisVideoWebRtcStorageClient client = storage(kvs.webrtcEndpoint()).build();

        long started = System.nanoTime();
        join(client);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void joinStorageSessionAsViewer_whenDelayLongerThanSocketTimeout_throwsClientTimeout() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.delay(Duration.ofSeconds(5)));

        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).httpClient(shortTimeouts()).build()))
                .isInstanceOf(SdkClientException.class)
                .hasRootCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void close_whenAnswerStillDelayed_returnsPromptly() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.delay(Duration.ofSeconds(30)));
        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).httpClient(shortTimeouts()).build()))
                .isInstanceOf(SdkClientException.class);

        long started = System.nanoTime();
        kvs.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void joinStorageSessionAsViewer_whenConnectionDropped_throwsSdkClientException() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.drop());

        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).build()))
                .isInstanceOf(SdkClientException.class);
        assertThat(kvs.requests()).hasSize(1);
    }

    @Test
    void reset_whenCalled_forgetsChannelsFaultsRequestsAndViolations() {
        kvs.failNext(Operation.JOIN_STORAGE_SESSION_AS_VIEWER, Fault.error(ServiceError.INTERNAL_FAILURE));
        assertThatThrownBy(() -> join(storage(kvs.webrtcEndpoint()).region(Region.US_EAST_1).build()))
                .isInstanceOf(AwsServiceException.class);

        kvs.reset();
        kvs.addChannel(CHANNEL);
        join(storage(kvs.webrtcEndpoint()).build());

        assertThat(kvs.requests()).hasSize(1);
        assertThat(kvs.violations()).isEmpty();
    }

    @Test
    void startHttps_whenClientTrustsCertificate_handsOffAndJoinsOverTls(@TempDir Path dir) throws Exception {
        KeyStore store = selfSignedLoopbackKeyStore(dir);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);

        try (LocalKinesisVideo https = LocalKinesisVideo.startHttps(tls);
                SdkHttpClient http = UrlConnectionHttpClient.builder()
                        .tlsTrustManagersProvider(trust::getTrustManagers).build()) {
            https.addChannel(CHANNEL);
            URI handedOff = handOff(control().endpointOverride(https.controlEndpoint()).httpClient(http).build());
            join(storage(handedOff).httpClient(http).build());

            assertThat(handedOff.getScheme()).isEqualTo("https");
            assertThat(https.requests()).extracting(Recorded::listener)
                    .containsExactly(Listener.CONTROL, Listener.WEBRTC);
            assertThat(https.violations()).isEmpty();
        }
    }

    private KinesisVideoClientBuilder control() {
        return KinesisVideoClient.builder()
                .httpClient(track(UrlConnectionHttpClient.create()))
                .region(EU_WEST_1)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(kvs.controlEndpoint())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    private KinesisVideoWebRtcStorageClientBuilder storage(URI endpoint) {
        return KinesisVideoWebRtcStorageClient.builder()
                .httpClient(track(UrlConnectionHttpClient.create()))
                .region(EU_WEST_1)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    private SdkHttpClient shortTimeouts() {
        return track(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofMillis(500))
                .socketTimeout(Duration.ofMillis(200))
                .build());
    }

    private <T extends SdkAutoCloseable> T track(T closeable) {
        clients.add(closeable);
        return closeable;
    }

    private URI handOff(KinesisVideoClient client) {
        track(client);
        return client.getSignalingChannelEndpoint(r -> r.channelARN(CHANNEL)
                        .singleMasterChannelEndpointConfiguration(c -> c.protocols(ChannelProtocol.WEBRTC)
                                .role(ChannelRole.VIEWER)))
                .resourceEndpointList().stream()
                .filter(e -> e.protocol() == ChannelProtocol.WEBRTC)
                .map(e -> URI.create(e.resourceEndpoint()))
                .findFirst()
                .orElseThrow();
    }

    private void join(KinesisVideoWebRtcStorageClient client) {
        track(client);
        client.joinStorageSessionAsViewer(r -> r.channelArn(CHANNEL).clientId(CLIENT_ID));
    }

    /** A PKCS12 store holding one self-signed key for IP 127.0.0.1, made by the running JDK's keytool. */
    private static KeyStore selfSignedLoopbackKeyStore(Path dir) throws Exception {
        Path file = dir.resolve("loopback.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        return KeyStore.getInstance(file.toFile(), "changeit".toCharArray());
    }
}
