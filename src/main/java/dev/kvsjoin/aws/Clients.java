package dev.kvsjoin.aws;

import dev.kvsjoin.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClient;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.endpoints.KinesisVideoWebRtcStorageEndpointProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the SDK clients, all from one place: the url-connection HTTP client with explicit timeouts, an explicit
 * region (the channel's), an explicit credentials provider and an explicit retry strategy. Nothing here probes a
 * default chain. One control-plane client and one storage client are kept per region.
 */
public final class Clients implements SdkAutoCloseable {

    /** Counts the HTTP attempts of one call, retries included; set it per request. */
    public static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("dev.kvsjoin.attempts");

    static final String CLIENT_LIMIT_EXCEEDED = "ClientLimitExceededException";

    private final SdkHttpClient http;
    private final Supplier<AwsCredentialsProvider> credentialsFactory;
    private volatile AwsCredentialsProvider currentCredentials;
    /** What the SDK clients hold: whichever provider is current, replaced after each SnapStart restore. */
    private final AwsCredentialsProvider credentials = () -> currentCredentials.resolveCredentials();
    private final URI controlEndpoint;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private final Backoff throttlingBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
    private final ClientOverrideConfiguration overrides;
    private final Map<String, KinesisVideoClient> control = new ConcurrentHashMap<>();
    private final Map<String, KinesisVideoWebRtcStorageClient> storage = new ConcurrentHashMap<>();

    /**
     * @param credentials makes the credentials provider; called again after each SnapStart restore
     * @param controlEndpoint the control plane's endpoint override, or {@code null} for the regional endpoint
     */
    public Clients(SdkHttpClient http, Supplier<AwsCredentialsProvider> credentials, URI controlEndpoint,
                   int maxAttempts) {
        this.http = http;
        this.credentialsFactory = credentials;
        this.currentCredentials = credentials.get();
        this.controlEndpoint = controlEndpoint;
        this.overrides = ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(maxAttempts, backoff, throttlingBackoff))
                .addExecutionInterceptor(new AttemptCounter())
                // Settings come from code and environment variables only: no profile file is looked for or parsed.
                .defaultProfileFile(ProfileFile.aggregator().build())
                .build();
    }

    /** The production graph: credentials as Lambda provides them, with or without SnapStart. */
    public static Clients create(Settings settings) {
        return new Clients(httpClient(settings), () -> credentials(settings), settings.controlEndpoint(),
                settings.maxAttempts());
    }

    /**
     * The url-connection client: the JDK's HttpURLConnection, the fewest classes of the SDK's HTTP clients, with the
     * settings' timeouts and trust store.
     */
    public static SdkHttpClient httpClient(Settings settings) {
        TrustManager[] trust = TrustStores.trustManagers(settings.trustStore());
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .tlsTrustManagersProvider(trust == null ? null : () -> trust)
                .build();
    }

    /**
     * Lambda puts credentials in the environment on demand, but behind the container credentials endpoint for
     * SnapStart functions, whose restored snapshots must not reuse the credentials of the instance that took them.
     */
    static AwsCredentialsProvider credentials(Settings settings) {
        return settings.containerCredentials()
                ? ContainerCredentialsProvider.builder().build()
                : EnvironmentVariableCredentialsProvider.create();
    }

    /** Resolves credentials once, so that a snapshot holds the classes that fetch them (not the credentials). */
    public void warmCredentials() {
        currentCredentials.resolveCredentials();
    }

    /**
     * The SDK's standard strategy (transient faults and 5xx retried, a retry quota), plus the storage API's throttling
     * error, which the SDK does not know: it answers 400 {@code ClientLimitExceededException}. Backoff is exponential
     * with full jitter, longer for throttling.
     */
    static RetryStrategy retryStrategy(int maxAttempts, BackoffStrategy backoff, BackoffStrategy throttlingBackoff) {
        Predicate<Throwable> clientLimit = Clients::isClientLimitExceeded;
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .retryOnException(clientLimit)
                .treatAsThrottling(clientLimit.or(t -> t instanceof SdkServiceException s && s.isThrottlingException()))
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(throttlingBackoff)
                .build();
    }

    static boolean isClientLimitExceeded(Throwable t) {
        return t instanceof AwsServiceException e && e.awsErrorDetails() != null
                && CLIENT_LIMIT_EXCEEDED.equals(e.awsErrorDetails().errorCode());
    }

    /** The control-plane client for a region, built on first use. */
    public KinesisVideoClient control(String region) {
        return control.computeIfAbsent(region, r -> {
            var builder = KinesisVideoClient.builder()
                    .httpClient(http)
                    .region(Region.of(r))
                    .credentialsProvider(credentials)
                    .overrideConfiguration(overrides);
            if (controlEndpoint != null) {
                builder.endpointOverride(controlEndpoint);
            }
            return builder.build();
        });
    }

    /**
     * The storage client for a region, built on first use. It has no endpoint of its own: each request names its
     * channel's WEBRTC endpoint with {@link #endpoint(URI)}, so one client serves every channel of the region.
     */
    public KinesisVideoWebRtcStorageClient storage(String region) {
        return storage.computeIfAbsent(region, r -> KinesisVideoWebRtcStorageClient.builder()
                .httpClient(http)
                .region(Region.of(r))
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides)
                .build());
    }

    /** Sends a storage request to a channel's WEBRTC endpoint, the only one the storage API answers on. */
    public static KinesisVideoWebRtcStorageEndpointProvider endpoint(URI webrtcEndpoint) {
        Endpoint endpoint = Endpoint.builder().url(webrtcEndpoint).build();
        return params -> CompletableFuture.completedFuture(endpoint);
    }

    /**
     * After a SnapStart restore: a new credentials provider, so no instance uses credentials cached in the snapshot,
     * and fresh jitter, so restored instances do not retry in step.
     */
    public void afterRestore() {
        AwsCredentialsProvider previous = currentCredentials;
        currentCredentials = credentialsFactory.get();
        if (previous instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        backoff.reseed();
        throttlingBackoff.reseed();
    }

    @Override
    public void close() {
        control.values().forEach(SdkAutoCloseable::close);
        control.clear();
        storage.values().forEach(SdkAutoCloseable::close);
        storage.clear();
        http.close();
    }

    private static final class AttemptCounter implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
            if (attempts != null) {
                attempts.incrementAndGet();
            }
        }
    }
}
