package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A loopback stand-in for the template's HTTP API in its default IAM mode ({@code POST /join} and
 * {@code POST /channels/{channel}/join}, payload format 2.0): each request becomes an API Gateway HTTP API event, and
 * the function's proxy response becomes the HTTP response, as API Gateway maps them. A function error is answered
 * 500, as API Gateway does. No signature is checked: every request comes as the IAM user of the sample events
 * ({@link Callers#IAM_USER_ID}), so its client ids are that user's.
 */
public final class LocalHttpApi implements AutoCloseable {

    static final String ROUTE_METHOD = "POST";
    static final String ROUTE_PATH = "/join";
    static final String CHANNEL_ROUTE = "/channels/{channel}/join";
    /** A channel route's path: the channel's name, as the storage model allows it. */
    private static final java.util.regex.Pattern CHANNEL_PATH =
            java.util.regex.Pattern.compile("/channels/([a-zA-Z0-9_.-]+)/join");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> JSON_TYPE = Map.of("content-type", "application/json");
    /** API Gateway's answer when the integration fails. */
    private static final String INTERNAL_ERROR = "{\"message\":\"Internal Server Error\"}";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * What one request came to: the HTTP status sent, and the call behind it ({@code null} if none was made) or why
     * the call failed ({@code null} if it did not).
     */
    public record Exchange(String method, String path, int status, FunctionProcess.Call call, String failure) {
    }

    private final HttpServer server;
    private final Function<byte[], FunctionProcess.Call> function;
    private final Consumer<Exchange> listener;

    private LocalHttpApi(HttpServer server, Function<byte[], FunctionProcess.Call> function,
                         Consumer<Exchange> listener) {
        this.server = server;
        this.function = function;
        this.listener = listener;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /**
     * Listens on 127.0.0.1:{@code port} ({@code 0} for a free one).
     *
     * @param function invokes the function with an event
     * @param listener told about every request once answered
     */
    public static LocalHttpApi start(int port, Function<byte[], FunctionProcess.Call> function,
                                     Consumer<Exchange> listener) throws IOException {
        return new LocalHttpApi(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0), function, listener);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (!method.equals(ROUTE_METHOD) || !(path.equals(ROUTE_PATH) || CHANNEL_PATH.matcher(path).matches())) {
                send(exchange, 404, JSON_TYPE, "{\"message\":\"Not Found\"}");
                listener.accept(new Exchange(method, path, 404, null, null));
                return;
            }
            FunctionProcess.Call call;
            try {
                call = function.apply(event(exchange, body));
            } catch (RuntimeException e) {
                send(exchange, 500, JSON_TYPE, INTERNAL_ERROR);
                listener.accept(new Exchange(method, path, 500, null, e.getMessage()));
                return;
            }
            listener.accept(new Exchange(method, path, reply(exchange, call.invocation()), call, null));
        }
    }

    /** The HTTP API payload format 2.0 event for a request. */
    static byte[] event(HttpExchange exchange, byte[] body) throws IOException {
        Instant now = Instant.now();
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String query = exchange.getRequestURI().getRawQuery();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        java.util.regex.Matcher channel = CHANNEL_PATH.matcher(exchange.getRequestURI().getRawPath());
        String routeKey = ROUTE_METHOD + " " + (channel.matches() ? CHANNEL_ROUTE : ROUTE_PATH);
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", exchange.getRequestURI().getRawPath());
        event.put("rawQueryString", query == null ? "" : query);
        event.set("headers", JSON.valueToTree(headers));
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", FunctionProcess.ACCOUNT);
        context.put("apiId", "local");
        context.put("domainName", headers.getOrDefault("host", "127.0.0.1"));
        context.put("domainPrefix", "local");
        ObjectNode iam = context.putObject("authorizer").putObject("iam");
        iam.put("accountId", FunctionProcess.ACCOUNT);
        iam.put("callerId", Callers.IAM_USER_ID);
        iam.putNull("cognitoIdentity");
        iam.putNull("principalOrgId");
        iam.put("userArn", Callers.IAM_USER_ARN);
        iam.put("userId", Callers.IAM_USER_ID);
        ObjectNode http = context.putObject("http");
        http.put("method", exchange.getRequestMethod());
        http.put("path", exchange.getRequestURI().getRawPath());
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", sourceIp);
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        if (channel.matches()) {
            event.putObject("pathParameters").put("channel", channel.group(1));
        }
        String text = utf8(body);
        if (body.length > 0) {
            event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body.length > 0 && text == null);
        return JSON.writeValueAsBytes(event);
    }

    /** Maps the invocation's answer to the HTTP response as API Gateway does for payload format 2.0. */
    private static int reply(HttpExchange exchange, Invocation invocation) throws IOException {
        if (!(invocation.answer() instanceof Invocation.Response response)) {
            send(exchange, 500, JSON_TYPE, INTERNAL_ERROR);
            return 500;
        }
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.has("statusCode")) {
            send(exchange, 200, JSON_TYPE, response.body());
            return 200;
        }
        int status = root.path("statusCode").asInt(500);
        Map<String, String> headers = new TreeMap<>();
        root.path("headers").properties().forEach(field -> headers.put(field.getKey(), field.getValue().asText()));
        String body = root.path("body").asText("");
        if (root.path("isBase64Encoded").asBoolean(false)) {
            byte[] bytes = Base64.getDecoder().decode(body);
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            LoopbackHttp.send(exchange, status, bytes);
            return status;
        }
        send(exchange, status, headers, body);
        return status;
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        LoopbackHttp.send(exchange, status, body.getBytes(UTF_8));
    }

    /** The body as text when it is valid UTF-8, else {@code null} (API Gateway then base64-encodes it). */
    private static String utf8(byte[] body) {
        try {
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
