package dev.kvsjoin.bench.naive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelProtocol;
import software.amazon.awssdk.services.kinesisvideo.model.ChannelRole;
import software.amazon.awssdk.services.kinesisvideo.model.GetSignalingChannelEndpointRequest;
import software.amazon.awssdk.services.kinesisvideo.model.GetSignalingChannelEndpointResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceEndpointListItem;
import software.amazon.awssdk.services.kinesisvideo.model.SingleMasterChannelEndpointConfiguration;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClient;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.model.JoinStorageSessionAsViewerRequest;

/**
 * The benchmark's NAIVE build: the join written as the AWS documentation's examples lead one to write it. The
 * runtime maps the event to a {@code Map}; Jackson databind reads the body; the control-plane client comes from
 * {@code create()} (default HTTP client, region and credential chains); every call looks the WEBRTC endpoint up
 * again and builds a storage client for it. Kept deliberately plain: it is the baseline, not an example.
 */
public class NaiveHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KinesisVideoClient kinesisVideo = KinesisVideoClient.create();

    /** The HTTP API request body. */
    public record JoinRequest(String channelArn, String clientId) {
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        try {
            JoinRequest request = MAPPER.readValue((String) event.get("body"), JoinRequest.class);

            GetSignalingChannelEndpointResponse endpoints = kinesisVideo.getSignalingChannelEndpoint(
                    GetSignalingChannelEndpointRequest.builder()
                            .channelARN(request.channelArn())
                            .singleMasterChannelEndpointConfiguration(SingleMasterChannelEndpointConfiguration.builder()
                                    .protocols(ChannelProtocol.WEBRTC)
                                    .role(ChannelRole.VIEWER)
                                    .build())
                            .build());
            String webrtcEndpoint = null;
            for (ResourceEndpointListItem item : endpoints.resourceEndpointList()) {
                if (item.protocol() == ChannelProtocol.WEBRTC) {
                    webrtcEndpoint = item.resourceEndpoint();
                }
            }

            try (KinesisVideoWebRtcStorageClient storage = KinesisVideoWebRtcStorageClient.builder()
                    .endpointOverride(URI.create(webrtcEndpoint))
                    .build()) {
                storage.joinStorageSessionAsViewer(JoinStorageSessionAsViewerRequest.builder()
                        .channelArn(request.channelArn())
                        .clientId(request.clientId())
                        .build());
            }

            Map<String, Object> body = new HashMap<>();
            body.put("channelArn", request.channelArn());
            body.put("clientId", request.clientId());
            body.put("endpoint", webrtcEndpoint);
            return response(200, MAPPER.writeValueAsString(body));
        } catch (Exception e) {
            context.getLogger().log("join failed: " + e);
            return response(500, "{\"message\":\"join failed\"}");
        }
    }

    private static Map<String, Object> response(int status, String body) {
        Map<String, Object> response = new HashMap<>();
        response.put("statusCode", status);
        response.put("headers", Map.of("Content-Type", "application/json"));
        response.put("body", body);
        return response;
    }
}
