package dev.kvsjoin.join;

import dev.kvsjoin.aws.Clients;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelProtocol;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelRole;
import software.amazon.awssdk.services.kinesisvideo.model.GetSignalingChannelEndpointResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceEndpointListItem;

/**
 * Joins a client to a channel's storage session as a viewer: finds the channel's WEBRTC endpoint (the only one
 * the storage API answers on), then calls {@code JoinStorageSessionAsViewer} there, both within the time the
 * invocation has left. Failures come back as {@link Outcome.Rejected}, never as exceptions.
 */
public final class Joiner {

    private static final int MAX_SERVICE_MESSAGE = 200;

    private final Clients clients;
    private final EndpointCache cache;

    public Joiner(Clients clients, EndpointCache cache) {
        this.clients = clients;
        this.cache = cache;
    }

    /** Joins within {@code budget}, the whole call including retries and backoff. */
    public Outcome join(JoinRequest request, Duration budget) {
        AtomicInteger attempts = new AtomicInteger();
        if (budget.toMillis() <= 0) {
            return rejected(Reason.UPSTREAM_UNAVAILABLE, "no time left in the invocation to call Kinesis Video",
                    request, attempts, null);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        String channel = request.channelArn().value();
        String region = request.channelArn().region();
        EndpointCache.Entry entry = cache.get(channel);
        boolean cached = entry != null;
        try {
            if (entry == null) {
                URI endpoint = lookUpEndpoint(request, attempts, deadline);
                if (endpoint == null) {
                    return rejected(Reason.UPSTREAM_ERROR, "Kinesis Video returned no WEBRTC endpoint for the channel",
                            request, attempts, null);
                }
                entry = cache.put(channel, endpoint);
            }
            URI webrtc = entry.endpoint();
            clients.storage(region).joinStorageSessionAsViewer(b -> b
                    .channelArn(channel)
                    .clientId(request.clientId().value())
                    .overrideConfiguration(overrides(attempts, deadline)
                            .endpointProvider(Clients.endpoint(webrtc))
                            .build()));
            return new Outcome.Joined(request, entry.endpoint(), attempts.get(), cached);
        } catch (SdkException e) {
            Outcome.Rejected rejected = classify(e, request, attempts);
            if (entry != null && rejected.reason() != Reason.THROTTLED) {
                cache.evict(channel, entry);
            }
            return rejected;
        }
    }

    private URI lookUpEndpoint(JoinRequest request, AtomicInteger attempts, long deadline) {
        GetSignalingChannelEndpointResponse response = clients.control(request.channelArn().region())
                .getSignalingChannelEndpoint(b -> b
                        .channelARN(request.channelArn().value())
                        .singleMasterChannelEndpointConfiguration(c -> c
                                .protocols(ChannelProtocol.WEBRTC)
                                .role(ChannelRole.VIEWER))
                        .overrideConfiguration(overrides(attempts, deadline).build()));
        for (ResourceEndpointListItem item : response.resourceEndpointList()) {
            if (item.protocol() == ChannelProtocol.WEBRTC && item.resourceEndpoint() != null) {
                try {
                    URI endpoint = new URI(item.resourceEndpoint());
                    if (endpoint.getHost() != null) {
                        return endpoint;
                    }
                } catch (URISyntaxException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Every call: the time left before the deadline, and the attempt counter. */
    private static AwsRequestOverrideConfiguration.Builder overrides(AtomicInteger attempts, long deadline) {
        long left = Math.max(1, deadline - System.nanoTime());
        return AwsRequestOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofNanos(left))
                .putExecutionAttribute(Clients.ATTEMPTS, attempts);
    }

    static Outcome.Rejected classify(SdkException e, JoinRequest request, AtomicInteger attempts) {
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String said = serviceMessage(details);
            Reason reason = switch (code == null ? "" : code) {
                case "ClientLimitExceededException" -> Reason.THROTTLED;
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
            return rejected(reason, message, request, attempts, code);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return rejected(Reason.UPSTREAM_UNAVAILABLE, "Kinesis Video did not answer in time; retry later",
                    request, attempts, null);
        }
        return rejected(Reason.UPSTREAM_UNAVAILABLE, "Kinesis Video could not be reached; retry later",
                request, attempts, null);
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

    private static Outcome.Rejected rejected(Reason reason, String message, JoinRequest request,
                                             AtomicInteger attempts, String awsErrorCode) {
        return new Outcome.Rejected(reason, message, List.of(), request, attempts.get(), awsErrorCode);
    }
}
