package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for S3's GetObject, path-style ({@code GET /bucket/key}), as the SDK's S3 client sends it
 * with an endpoint override. A request without a SigV4 {@code Authorization} for the {@code s3} signing name, or
 * without {@code x-amz-content-sha256}, is refused 403 and kept in {@link #violations()}; an absent object is 404
 * {@code NoSuchKey}; a bucket in {@link #deny} is 403 {@code AccessDenied}.
 */
public final class LocalS3 implements AutoCloseable {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=[^/\\s,]+/\\d{8}/[a-z0-9-]+/s3/aws4_request, ?SignedHeaders=[a-z0-9;-]+,"
                    + " ?Signature=[0-9a-f]{64}");

    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> denied = new ArrayList<>();

    private LocalS3() throws IOException {
        this.server = LoopbackHttp.start("/", this::handle, null);
    }

    public static LocalS3 start() throws IOException {
        return new LocalS3();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void put(String bucket, String key, String content) {
        objects.put(bucket + "/" + key, content.getBytes(UTF_8));
    }

    /** Refuses every read in {@code bucket} with 403 AccessDenied. */
    public synchronized void deny(String bucket) {
        denied.add(bucket);
    }

    /** The {@code bucket/key} of every request, in arrival order. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), UTF_8).substring(1);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String bucket = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            boolean deny;
            synchronized (this) {
                requests.add(path);
                if (!"GET".equals(exchange.getRequestMethod()) || authorization == null
                        || !AUTHORIZATION.matcher(authorization).matches()
                        || exchange.getRequestHeaders().getFirst("x-amz-content-sha256") == null) {
                    violations.add(exchange.getRequestMethod() + " " + path + ": not a signed GetObject");
                    send(exchange, 403, "SignatureDoesNotMatch");
                    return;
                }
                deny = denied.contains(bucket);
            }
            if (deny) {
                send(exchange, 403, "AccessDenied");
                return;
            }
            byte[] object = objects.get(path);
            if (object == null) {
                send(exchange, 404, "NoSuchKey");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            LoopbackHttp.send(exchange, 200, object);
        }
    }

    private static void send(HttpExchange exchange, int status, String code) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                + "</Message><RequestId>local</RequestId></Error>").getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        LoopbackHttp.send(exchange, status, body);
    }
}
