package dev.kvsjoin.join;

import dev.kvsjoin.aws.Clients;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelProtocol;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelRole;
import software.amazon.awssdk.services.kinesisvideo.model.GetSignalingChannelEndpointResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceEndpointListItem;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClient;
import software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException;

/**
 * Joins a client to a channel's storage session as a viewer: finds the channel's WEBRTC endpoint (the only one
 * the storage API answers on), then calls {@code JoinStorageSessionAsViewer} there, both within the time the
 * invocation has left. Failures come back as {@link Outcome.Rejected}, never as exceptions.
 *
 * <p>Concurrent joins on a channel whose endpoint is not cached share one lookup: the first runs it, the others wait
 * for its result (a failure included) until their own deadline.
 */
public final class Joiner {

    /** The least time a service call is started with: below it, no call could finish, so none is sent. */
    public static final Duration MIN_CALL_TIME = Duration.ofMillis(50);

    private static final int MAX_SERVICE_MESSAGE = 200;

    private final Clients clients;
    private final EndpointCache cache;
    private final Map<String, CompletableFuture<Lookup>> lookups = new ConcurrentHashMap<>();

    public Joiner(Clients clients, EndpointCache cache) {
        this.clients = clients;
        this.cache = cache;
    }

    /** What a lookup found: the channel's endpoint, or why there is none. */
    private sealed interface Lookup {
        record Found(EndpointCache.Entry entry) implements Lookup {
        }

        record Failed(Reason reason, String message, String awsErrorCode) implements Lookup {
        }
    }

    /** One join's deadline and the attempts its calls sent. */
    private record Call(JoinRequest request, long deadlineNanos, Clients.Attempts attempts) {

        /** The time left for the next service call, or {@code null} when too little is left to start one. */
        Duration timeLeft() {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            return left < MIN_CALL_TIME.toMillis() ? null : Duration.ofMillis(left);
        }

        Outcome.Rejected rejected(Lookup.Failed failed) {
            return new Outcome.Rejected(failed.reason(), failed.message(), List.of(), request, attempts.sent(),
                    failed.awsErrorCode());
        }

        /** Why the call stops at its deadline: throttled if the last answer was a throttle, else out of time. */
        Lookup.Failed outOfTime() {
            return attempts.lastThrottled()
                    ? new Lookup.Failed(Reason.THROTTLED, "Kinesis Video throttled the calls until the invocation ran"
                            + " out of time; retry later", Clients.CLIENT_LIMIT_EXCEEDED)
                    : new Lookup.Failed(Reason.UPSTREAM_UNAVAILABLE, attempts.sent() == 0
                            ? "no time left in the invocation to call Kinesis Video"
                            : "Kinesis Video did not answer in time; retry later", null);
        }
    }

    /** Joins within {@code budget}, the whole call including retries, backoff and waiting for a shared lookup. */
    public Outcome join(JoinRequest request, Duration budget) {
        Call call = new Call(request, System.nanoTime() + budget.toNanos(), new Clients.Attempts());
        if (!clients.accepts(request.channelArn().region())) {
            return new Outcome.Rejected(Reason.INVALID_REQUEST, "the request is invalid", List.of(
                    "channelArn: names a region newer than this build knows, and " + Clients.MAX_NEWER_REGIONS
                            + " such regions are in use already; deploy a newer build to join there"),
                    request, 0, null);
        }
        String channel = request.channelArn().value();
        EndpointCache.Entry entry = cache.get(channel);
        boolean cached = entry != null;
        if (entry == null) {
            switch (endpoint(call)) {
                case Lookup.Found found -> entry = found.entry();
                case Lookup.Failed failed -> {
                    return call.rejected(failed);
                }
            }
        }
        // The client first: building one loads classes, time the deadline must account for.
        KinesisVideoWebRtcStorageClient storage = clients.storage(request.channelArn().region());
        Duration left = call.timeLeft();
        if (left == null) {
            return call.rejected(call.outOfTime());
        }
        URI webrtc = entry.endpoint();
        try {
            storage.joinStorageSessionAsViewer(b -> b
                    .channelArn(channel)
                    .clientId(request.clientId().value())
                    .overrideConfiguration(overrides(call, left)
                            .endpointProvider(Clients.endpoint(webrtc))
                            .build()));
            return new Outcome.Joined(request, webrtc, call.attempts().sent(), cached);
        } catch (SdkException | UncheckedIOException e) {
            Lookup.Failed failed = classify(e, call);
            if (failed.reason() != Reason.THROTTLED) {
                cache.evict(channel, entry);
            }
            return call.rejected(failed);
        }
    }

    /** The channel's endpoint from one lookup shared by every concurrent caller. */
    private Lookup endpoint(Call call) {
        String channel = call.request().channelArn().value();
        CompletableFuture<Lookup> mine = new CompletableFuture<>();
        CompletableFuture<Lookup> running = lookups.putIfAbsent(channel, mine);
        if (running != null) {
            return await(running, call);
        }
        try {
            // A lookup that finished between this caller's cache miss and its registration has cached the entry.
            EndpointCache.Entry cached = cache.get(channel);
            Lookup result = cached != null ? new Lookup.Found(cached) : lookUp(call);
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            lookups.remove(channel, mine);
        }
    }

    /** Waits for another caller's lookup, at most until this call's own deadline. */
    private static Lookup await(CompletableFuture<Lookup> running, Call call) {
        long waitNanos = call.deadlineNanos() - System.nanoTime();
        try {
            return running.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Lookup.Failed(Reason.UPSTREAM_UNAVAILABLE, "Kinesis Video did not answer in time; retry later",
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Failed(Reason.UPSTREAM_UNAVAILABLE, "the lookup was interrupted; retry later", null);
        } catch (ExecutionException e) {
            // The caller that ran the lookup failed unexpectedly and reports it; this one fails the same way.
            throw new IllegalStateException("shared endpoint lookup failed", e.getCause());
        }
    }

    /** Looks the endpoint up and caches it when it is usable; never caches a failure. */
    private Lookup lookUp(Call call) {
        KinesisVideoClient control = clients.control(call.request().channelArn().region());
        Duration left = call.timeLeft();
        if (left == null) {
            return call.outOfTime();
        }
        GetSignalingChannelEndpointResponse response;
        try {
            response = control.getSignalingChannelEndpoint(b -> b
                            .channelARN(call.request().channelArn().value())
                            .singleMasterChannelEndpointConfiguration(c -> c
                                    .protocols(ChannelProtocol.WEBRTC)
                                    .role(ChannelRole.VIEWER))
                            .overrideConfiguration(overrides(call, left).build()));
        } catch (SdkException | UncheckedIOException e) {
            return classify(e, call);
        }
        boolean listed = false;
        for (ResourceEndpointListItem item : response.resourceEndpointList()) {
            if (item.protocol() == ChannelProtocol.WEBRTC && item.resourceEndpoint() != null) {
                listed = true;
                URI endpoint = usable(item.resourceEndpoint(), clients.allowsPlainHttp());
                if (endpoint != null) {
                    return new Lookup.Found(cache.put(call.request().channelArn().value(), endpoint));
                }
            }
        }
        return new Lookup.Failed(Reason.UPSTREAM_ERROR, listed
                ? "Kinesis Video returned a WEBRTC endpoint the function cannot use"
                : "Kinesis Video returned no WEBRTC endpoint for the channel", null);
    }

    /**
     * The endpoint as a URL a signed request may go to, or {@code null}: {@code https} (plain {@code http} only when
     * allowed), a host, a port from 1 to 65535 if any, and nothing else: no user information, path, query or
     * fragment.
     */
    static URI usable(String raw, boolean allowPlainHttp) {
        URI uri;
        try {
            uri = new URI(raw).parseServerAuthority();
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean schemeOk = scheme.equals("https") || (allowPlainHttp && scheme.equals("http"));
        boolean portOk = uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65_535);
        String path = uri.getRawPath();
        boolean bare = uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                && (path == null || path.isEmpty() || path.equals("/"));
        return schemeOk && uri.getHost() != null && !uri.getHost().isEmpty() && portOk && bare ? uri : null;
    }

    /** Every call: the time left before the deadline (never zero, which the SDK reads as none), and the counter. */
    private static AwsRequestOverrideConfiguration.Builder overrides(Call call, Duration left) {
        return AwsRequestOverrideConfiguration.builder()
                .apiCallTimeout(left)
                .putExecutionAttribute(Clients.ATTEMPTS, call.attempts());
    }

    /**
     * Why a call failed. Besides the SDK's own exceptions, the url-connection client lets an
     * {@link UncheckedIOException} through when the connection breaks while the request is being written.
     */
    private static Lookup.Failed classify(RuntimeException e, Call call) {
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String said = serviceMessage(details);
            Reason reason = switch (code == null ? "" : code) {
                case Clients.CLIENT_LIMIT_EXCEEDED -> Reason.THROTTLED;
                case "InvalidArgumentException" -> Reason.INVALID_ARGUMENT;
                case "AccessDeniedException" -> Reason.ACCESS_DENIED;
                case "ResourceNotFoundException" -> Reason.NOT_FOUND;
                default -> service.isThrottlingException() ? Reason.THROTTLED
                        : service.statusCode() >= 500 ? Reason.UPSTREAM_UNAVAILABLE : Reason.UPSTREAM_ERROR;
            };
            String message = switch (reason) {
                case THROTTLED -> "Kinesis Video throttled the calls; retry later";
                case INVALID_ARGUMENT -> "Kinesis Video rejected an argument" + said;
                case ACCESS_DENIED -> "the function is not allowed to call Kinesis Video on this channel" + said;
                case NOT_FOUND -> "the channel or its storage session was not found" + said;
                case UPSTREAM_UNAVAILABLE -> "Kinesis Video failed with a server error; retry later";
                default -> "Kinesis Video refused the call with an unexpected error";
            };
            return new Lookup.Failed(reason, message, code);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return call.outOfTime();
        }
        if (unreadableAnswer(e)) {
            return new Lookup.Failed(Reason.UPSTREAM_ERROR, "Kinesis Video answered with a body the function cannot"
                    + " read", null);
        }
        return new Lookup.Failed(Reason.UPSTREAM_UNAVAILABLE, "Kinesis Video could not be reached; retry later", null);
    }

    /** A whole answer arrived but its JSON is malformed or of the wrong shape (not a transfer cut short). */
    private static boolean unreadableAnswer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /** The service's own explanation, bounded and stripped of control characters. */
    private static String serviceMessage(AwsErrorDetails details) {
        String message = details == null ? null : details.errorMessage();
        if (message == null || message.isBlank()) {
            return "";
        }
        String clean = message.strip().replaceAll("\\p{Cntrl}", " ");
        if (clean.length() > MAX_SERVICE_MESSAGE) {
            clean = clean.substring(0, MAX_SERVICE_MESSAGE) + "...";
        }
        return ": " + clean;
    }
}
