package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback container credentials endpoint, the way Lambda hands credentials to a SnapStart function: the SDK's
 * container provider finds it through {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and sends
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} as its {@code Authorization} header. Thread-safe.
 */
final class LocalCredentialsEndpoint implements AutoCloseable {

    static final String PATH = "/credentials";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final byte[] document;
    private final String token;
    private final AtomicInteger served = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    private LocalCredentialsEndpoint(FunctionProcess.Credentials credentials, String token) throws IOException {
        this.token = token;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("AccessKeyId", credentials.accessKeyId());
        fields.put("SecretAccessKey", credentials.secretAccessKey());
        fields.put("Token", credentials.sessionToken());
        fields.put("Expiration", Instant.now().plus(Duration.ofHours(6)).toString());
        try {
            this.document = JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        this.server = LoopbackHttp.start("/", this::handle, null);
    }

    static LocalCredentialsEndpoint start(FunctionProcess.Credentials credentials, String token) throws IOException {
        return new LocalCredentialsEndpoint(credentials, token);
    }

    /** The value of {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** How many times the credentials were handed out. */
    int served() {
        return served.get();
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            boolean route = exchange.getRequestMethod().equals("GET")
                    && exchange.getRequestURI().getPath().equals(PATH);
            boolean authorised = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (!route || !authorised) {
                violations.add("credentials request " + RequestCheck.shape(exchange.getRequestMethod()) + " "
                        + RequestCheck.shape(exchange.getRequestURI().getPath())
                        + (authorised ? "" : " without the authorization token"));
                LoopbackHttp.sendJson(exchange, route ? 401 : 404, "{\"message\":\"denied\"}");
                return;
            }
            served.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            LoopbackHttp.send(exchange, 200, document);
        }
    }
}
