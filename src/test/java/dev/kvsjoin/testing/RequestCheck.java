package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks a request must pass before {@link LocalKinesisVideo} answers it, as AWS would reject a bad one:
 * JSON content type, SigV4 {@code Authorization} and {@code X-Amz-Date} for the {@code kinesisvideo} signing
 * name, the operation's required members, and a credential scope in the channel ARN's region. The signature
 * value itself is not verified.
 */
final class RequestCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=[^/\\s,]+/(\\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,"
                    + " ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}");
    private static final Pattern AMZ_DATE = Pattern.compile("(\\d{8})T\\d{6}Z");
    /** The storage model's ChannelArn pattern, narrowed to channels. */
    private static final Pattern CHANNEL_ARN =
            Pattern.compile("arn:aws[a-zA-Z-]*:kinesisvideo:([a-z0-9-]+):[0-9]+:channel/[a-zA-Z0-9_.-]+/[0-9]+");
    private static final Pattern CLIENT_ID = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");

    /** The outcome: every problem found, the credential scope's region and the channel ARN ({@code ""} if absent). */
    record Result(List<String> problems, String region, String channelArn) {
    }

    private final List<String> problems = new ArrayList<>();
    private String region = "";
    private String arnRegion = "";
    private String channelArn = "";

    private RequestCheck() {
    }

    /** Checks one request; {@code headers} are keyed by lower-case name. */
    static Result check(Operation operation, Map<String, List<String>> headers, String body) {
        RequestCheck check = new RequestCheck();
        check.contentType(first(headers, "content-type"));
        check.signature(first(headers, "authorization"), first(headers, "x-amz-date"));
        check.body(operation, body);
        check.sameRegion();
        return new Result(List.copyOf(check.problems), check.region, check.channelArn);
    }

    private void contentType(String value) {
        String mediaType = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.startsWith("application/x-amz-json-")) {
            problems.add("Content-Type: must be a JSON media type (received " + shape(value) + ")");
        }
    }

    private void signature(String authorization, String amzDate) {
        Matcher date = AMZ_DATE.matcher(amzDate);
        boolean dated = date.matches();
        if (!dated) {
            problems.add("X-Amz-Date: must be yyyyMMdd'T'HHmmss'Z' (received " + shape(amzDate) + ")");
        }
        Matcher auth = AUTHORIZATION.matcher(authorization);
        if (!auth.matches()) {
            problems.add("Authorization: must be AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>"
                    + "/aws4_request, SignedHeaders=..., Signature=<64 hex> (received " + shape(authorization) + ")");
            return;
        }
        region = auth.group(2);
        if (!auth.group(3).equals("kinesisvideo")) {
            problems.add("Authorization: credential scope service must be kinesisvideo (received "
                    + shape(auth.group(3)) + ")");
        }
        if (dated && !auth.group(1).equals(date.group(1))) {
            problems.add("Authorization: credential scope date " + auth.group(1)
                    + " must be the date of X-Amz-Date " + date.group(1));
        }
        List<String> signed = List.of(auth.group(4).split(";"));
        if (!signed.contains("host") || !signed.contains("x-amz-date")) {
            problems.add("Authorization: SignedHeaders must include host and x-amz-date (received "
                    + shape(auth.group(4)) + ")");
        }
    }

    private void body(Operation operation, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            problems.add("body: must be a JSON object (received " + body.length() + " characters that do not parse)");
            return;
        }
        if (root == null || !root.isObject()) {
            problems.add("body: must be a JSON object (received " + (root == null ? "nothing" : root.getNodeType())
                    + ")");
            return;
        }
        switch (operation) {
            case GET_SIGNALING_CHANNEL_ENDPOINT -> {
                channelArn(root, "ChannelARN");
                JsonNode config = root.path("SingleMasterChannelEndpointConfiguration");
                boolean webrtc = false;
                for (JsonNode protocol : config.path("Protocols")) {
                    webrtc |= protocol.asText().equals("WEBRTC");
                }
                if (!webrtc) {
                    problems.add("SingleMasterChannelEndpointConfiguration.Protocols: must include WEBRTC");
                }
                if (!config.path("Role").asText().equals("VIEWER")) {
                    problems.add("SingleMasterChannelEndpointConfiguration.Role: must be VIEWER (received "
                            + shape(config.path("Role").asText()) + ")");
                }
            }
            case JOIN_STORAGE_SESSION_AS_VIEWER -> {
                channelArn(root, "channelArn");
                String clientId = text(root, "clientId");
                if (!CLIENT_ID.matcher(clientId).matches()) {
                    problems.add("clientId: must be 1 to 256 of [a-zA-Z0-9_.-] (received " + shape(clientId) + ")");
                }
            }
        }
    }

    private void channelArn(JsonNode root, String member) {
        String arn = text(root, member);
        Matcher matcher = CHANNEL_ARN.matcher(arn);
        if (!matcher.matches()) {
            problems.add(member + ": must be a Kinesis Video channel ARN (received " + shape(arn) + ")");
            return;
        }
        channelArn = arn;
        arnRegion = matcher.group(1);
    }

    private void sameRegion() {
        if (!region.isEmpty() && !arnRegion.isEmpty() && !region.equals(arnRegion)) {
            problems.add("Authorization: credential scope region " + region
                    + " must be the channel ARN's region " + arnRegion);
        }
    }

    private static String text(JsonNode root, String member) {
        JsonNode node = root.get(member);
        return node != null && node.isTextual() ? node.asText() : "";
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    /** A value short enough to quote, else only its length: diagnostics never echo unbounded input. */
    static String shape(String value) {
        if (value.isEmpty()) {
            return "nothing";
        }
        return value.length() <= 80 ? "\"" + value + "\"" : value.length() + " characters";
    }
}
