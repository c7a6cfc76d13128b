package dev.kvsjoin.aws;

import dev.kvsjoin.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
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
 * default chain.
 *
 * <p>Whatever regions callers name, resources stay bounded: the clients of at most {@link #MAX_REGIONS} regions are
 * kept (least recently used first out), and every client shares one HTTP client and one scheduler thread for call
 * timeouts, so a client dropped from the set holds no thread or connection pool and is simply collected. Each client
 * has a retry strategy, and so a retry quota, of its own: a failing region or service cannot use up the retries of
 * another.
 */
public final class Clients implements SdkAutoCloseable {

    /** Records the HTTP attempts of one call, retries included; set it per request. */
    public static final ExecutionAttribute<Attempts> ATTEMPTS = new ExecutionAttribute<>("dev.kvsjoin.attempts");

    /** Regions whose clients are kept at once; a region beyond them replaces the least recently used one. */
    public static final int MAX_REGIONS = 16;

    /**
     * Regions newer than the SDK's own list that one instance accepts. The SDK keeps every region name it is given
     * for the life of the JVM, so names it does not know are let in up to this many, not one per invocation.
     */
    public static final int MAX_NEWER_REGIONS = 16;

    private static final Set<String> KNOWN_REGIONS =
            Region.regions().stream().map(Region::id).collect(Collectors.toUnmodifiableSet());

    /** The storage and control planes' throttling error, which the SDK does not count as throttling by itself. */
    public static final String CLIENT_LIMIT_EXCEEDED = "ClientLimitExceededException";

    private final SdkHttpClient http;
    private final Supplier<AwsCredentialsProvider> credentialsFactory;
    private volatile AwsCredentialsProvider currentCredentials;
    /** What the SDK clients hold: whichever provider is current, replaced after each SnapStart restore. */
    private final AwsCredentialsProvider credentials = () -> currentCredentials.resolveCredentials();
    private final URI controlEndpoint;
    private final int maxAttempts;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private final Backoff throttlingBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
    private final AttemptCounter attemptCounter = new AttemptCounter();
    /** Enforces every client's call timeouts; the SDK would otherwise start a thread per client. */
    private final ScheduledThreadPoolExecutor timeouts;
    private final Map<String, KinesisVideoClient> control = boundedMap();
    private final Map<String, KinesisVideoWebRtcStorageClient> storage = boundedMap();
    private final Set<String> newerRegions = new HashSet<>();
    private final S3Objects s3;

    /**
     * @param credentials makes the credentials provider; called again after each SnapStart restore
     * @param controlEndpoint the control plane's endpoint override, or {@code null} for the regional endpoint
     */
    public Clients(SdkHttpClient http, Supplier<AwsCredentialsProvider> credentials, URI controlEndpoint,
                   int maxAttempts) {
        this(http, credentials, controlEndpoint, null, maxAttempts);
    }

    /** @param s3Endpoint S3's endpoint override (path-style requests then), or {@code null} for the regional one */
    public Clients(SdkHttpClient http, Supplier<AwsCredentialsProvider> credentials, URI controlEndpoint,
                   URI s3Endpoint, int maxAttempts) {
        this.http = new IoFailuresChecked(http);
        this.credentialsFactory = credentials;
        this.currentCredentials = credentials.get();
        this.s3 = new S3Objects(this.http, this.credentials::resolveCredentials, s3Endpoint, Clock.systemUTC());
        this.controlEndpoint = controlEndpoint;
        this.maxAttempts = maxAttempts;
        this.timeouts = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "kvsjoin-call-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // A call that ends in time cancels its timeout task: drop it at once rather than when it would have run.
        timeouts.setRemoveOnCancelPolicy(true);
        // Idle, the thread ends; the next call starts it again.
        timeouts.setKeepAliveTime(30, TimeUnit.SECONDS);
        timeouts.allowCoreThreadTimeOut(true);
    }

    /** The production graph: credentials as Lambda provides them, with or without SnapStart. */
    public static Clients create(Settings settings) {
        return new Clients(httpClient(settings), () -> credentials(settings), settings.controlEndpoint(),
                settings.s3Endpoint(), settings.maxAttempts());
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

    /**
     * Whether clients may be built for a region (already checked against its partition's pattern): one the SDK
     * knows, or one of the first {@link #MAX_NEWER_REGIONS} newer ones this instance has been asked for.
     */
    public boolean accepts(String region) {
        if (KNOWN_REGIONS.contains(region)) {
            return true;
        }
        synchronized (newerRegions) {
            return newerRegions.contains(region)
                    || newerRegions.size() < MAX_NEWER_REGIONS && newerRegions.add(region);
        }
    }

    /**
     * Each client's own configuration: its own retry strategy (and so its own retry quota), the shared backoff, attempt
     * counter and timeout scheduler.
     */
    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(maxAttempts, backoff, throttlingBackoff))
                .addExecutionInterceptor(attemptCounter)
                .scheduledExecutorService(timeouts)
                // Settings come from code and environment variables only: no profile file is looked for or parsed.
                .defaultProfileFile(ProfileFile.aggregator().build())
                .build();
    }

    /** The control-plane client for a region, built on first use. */
    public KinesisVideoClient control(String region) {
        return control.computeIfAbsent(region, r -> {
            var builder = KinesisVideoClient.builder()
                    .httpClient(http)
                    .region(Region.of(r))
                    .credentialsProvider(credentials)
                    .overrideConfiguration(overrides());
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
                .overrideConfiguration(overrides())
                .build());
    }

    /**
     * Reads S3 objects (a fleet run's results), signed with the function's credentials through the same HTTP client:
     * no S3 client module, no class of it on any join's path.
     */
    public S3Objects s3() {
        return s3;
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

    /**
     * Whether a WEBRTC endpoint may be plain {@code http}: only when the operator pointed the function at a plain
     * {@code http} control endpoint on purpose (a local stand-in); anywhere else a signed request and its session
     * token never travel in clear text.
     */
    public boolean allowsPlainHttp() {
        return controlEndpoint != null && "http".equalsIgnoreCase(controlEndpoint.getScheme());
    }

    /** Regions whose clients are currently kept (at most {@link #MAX_REGIONS} of each kind). */
    public int regionsKept() {
        return Math.max(control.size(), storage.size());
    }

    @Override
    public void close() {
        synchronized (control) {
            control.values().forEach(SdkAutoCloseable::close);
            control.clear();
        }
        synchronized (storage) {
            storage.values().forEach(SdkAutoCloseable::close);
            storage.clear();
        }
        http.close();
        timeouts.shutdownNow();
    }

    /**
     * A least-recently-used map of at most {@link #MAX_REGIONS} entries. An evicted client is not closed: a call may
     * still be using it, and it owns nothing the others do not share, so the garbage collector frees it.
     */
    private static <V> Map<String, V> boundedMap() {
        return Collections.synchronizedMap(new LinkedHashMap<>(MAX_REGIONS * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_REGIONS;
            }
        });
    }

    /**
     * What the attempts of one call saw: how many were sent, and whether the latest answer was a throttling error,
     * so that a call cut short by its deadline while throttled is reported as throttled, not as a timeout.
     */
    public static final class Attempts {
        private final AtomicInteger sent = new AtomicInteger();
        private volatile boolean lastThrottled;

        /** HTTP requests sent so far, retries included. */
        public int sent() {
            return sent.get();
        }

        /** Whether the latest answer received was a throttling error. */
        public boolean lastThrottled() {
            return lastThrottled;
        }
    }

    private static final class AttemptCounter implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            Attempts attempts = attributes.getAttribute(ATTEMPTS);
            if (attempts != null) {
                attempts.lastThrottled = false;
                attempts.sent.incrementAndGet();
            }
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            Attempts attempts = attributes.getAttribute(ATTEMPTS);
            if (attempts != null) {
                attempts.lastThrottled = isThrottling(context.httpResponse());
            }
        }
    }

    /**
     * Hands the SDK every I/O failure as the checked {@link IOException} it retries. The url-connection client wraps
     * some in {@link UncheckedIOException} (a connection reset while the request body is written), which the SDK
     * would neither retry nor classify.
     */
    private record IoFailuresChecked(SdkHttpClient delegate) implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            ExecutableHttpRequest prepared = delegate.prepareRequest(request);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    try {
                        return prepared.call();
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                }

                @Override
                public void abort() {
                    prepared.abort();
                }
            };
        }

        @Override
        public String clientName() {
            return delegate.clientName();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A throttling answer: 429, or the error type the storage and control planes use for their limits. */
    static boolean isThrottling(SdkHttpResponse response) {
        if (response.statusCode() == 429) {
            return true;
        }
        return response.firstMatchingHeader("x-amzn-ErrorType")
                .map(type -> type.startsWith(CLIENT_LIMIT_EXCEEDED) || type.startsWith("ThrottlingException"))
                .orElse(false);
    }
}
