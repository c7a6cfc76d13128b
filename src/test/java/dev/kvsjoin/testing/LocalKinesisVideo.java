package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A loopback stand-in for the two Kinesis Video services the function calls, for the real SDK clients.
 *
 * <p>The control listener answers GetSignalingChannelEndpoint with the second, WEBRTC listener's URL; that
 * listener answers JoinStorageSessionAsViewer. Each answers only its own operation. Every request is checked
 * as AWS would check it ({@link RequestCheck}); a failed check is answered 400 ValidationException and kept in
 * {@link #violations()}, so a test can assert there were none. Scripted {@link Fault}s are consumed in order,
 * per operation, by the next request that passes the checks. Thread-safe.
 */
public final class LocalKinesisVideo implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer control;
    private final HttpServer webrtc;
    private final String scheme;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Object lock = new Object();
    private final Set<String> channels = new HashSet<>();
    private final Map<Operation, Queue<Fault>> faults = new EnumMap<>(Operation.class);
    private final Map<Operation, Map<String, Fault>> channelFaults = new EnumMap<>(Operation.class);
    private final List<Recorded> requests = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    private LocalKinesisVideo(HttpServer control, HttpServer webrtc, String scheme) {
        this.control = control;
        this.webrtc = webrtc;
        this.scheme = scheme;
        for (Operation operation : Operation.values()) {
            faults.put(operation, new ArrayDeque<>());
            channelFaults.put(operation, new HashMap<>());
        }
        control.createContext("/", exchange -> handle(Listener.CONTROL, exchange));
        webrtc.createContext("/", exchange -> handle(Listener.WEBRTC, exchange));
        control.setExecutor(handlers);
        webrtc.setExecutor(handlers);
        control.start();
        webrtc.start();
    }

    /** Starts both listeners over plain HTTP on 127.0.0.1, each on a free port. */
    public static LocalKinesisVideo start() throws IOException {
        return new LocalKinesisVideo(HttpServer.create(loopback(), 0), HttpServer.create(loopback(), 0), "http");
    }

    /**
     * Starts both listeners over HTTPS on 127.0.0.1, each on a free port. The endpoints name the host as
     * {@code 127.0.0.1}, so the server certificate needs that IP address as a subject alternative name.
     */
    public static LocalKinesisVideo startHttps(SSLContext tls) throws IOException {
        HttpsServer control = HttpsServer.create(loopback(), 0);
        HttpsServer webrtc = HttpsServer.create(loopback(), 0);
        control.setHttpsConfigurator(new HttpsConfigurator(tls));
        webrtc.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new LocalKinesisVideo(control, webrtc, "https");
    }

    /** The control plane endpoint, for {@code KinesisVideoClient.builder().endpointOverride(...)}. */
    public URI controlEndpoint() {
        return endpoint(control);
    }

    /** The WEBRTC endpoint that GetSignalingChannelEndpoint hands off to. */
    public URI webrtcEndpoint() {
        return endpoint(webrtc);
    }

    /** Makes a channel known; requests naming any other channel are answered ResourceNotFoundException. */
    public void addChannel(String channelArn) {
        synchronized (lock) {
            channels.add(channelArn);
        }
    }

    /** Queues a fault for the next request of {@code operation} that passes the checks. */
    public void failNext(Operation operation, Fault fault) {
        if ((fault instanceof Fault.NoWebrtcEndpoint || fault instanceof Fault.Endpoint)
                && operation != Operation.GET_SIGNALING_CHANNEL_ENDPOINT) {
            throw new IllegalArgumentException("fault: " + fault.getClass().getSimpleName()
                    + " applies to GET_SIGNALING_CHANNEL_ENDPOINT only (received " + operation + ")");
        }
        synchronized (lock) {
            faults.get(operation).add(fault);
        }
    }

    /**
     * Answers every request of {@code operation} naming {@code channelArn} with {@code fault}, until
     * {@link #healChannel}: a channel that stays throttled or denied however often it is called. Such a fault comes
     * before the ones queued by {@link #failNext}, which requests naming the channel leave queued.
     */
    public void failChannel(Operation operation, String channelArn, Fault fault) {
        if (fault instanceof Fault.NoWebrtcEndpoint || fault instanceof Fault.Endpoint) {
            throw new IllegalArgumentException("fault: " + fault.getClass().getSimpleName()
                    + " is for failNext only");
        }
        synchronized (lock) {
            channelFaults.get(operation).put(channelArn, fault);
        }
    }

    /** Ends the {@link #failChannel} faults of a channel: its requests are answered normally again. */
    public void healChannel(String channelArn) {
        synchronized (lock) {
            channelFaults.values().forEach(byChannel -> byChannel.remove(channelArn));
        }
    }

    /** The requests that reached an operation, in arrival order, whether or not they passed the checks. */
    public List<Recorded> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Every way a request differed from what AWS accepts, including requests to no operation. */
    public List<String> violations() {
        synchronized (lock) {
            return List.copyOf(violations);
        }
    }

    /** Forgets channels, faults, requests and violations: back to the state right after start. */
    public void reset() {
        synchronized (lock) {
            channels.clear();
            faults.values().forEach(Queue::clear);
            channelFaults.values().forEach(Map::clear);
            requests.clear();
            violations.clear();
        }
    }

    /** Stops both listeners at once, interrupting answers still waiting on a delay. */
    @Override
    public void close() {
        control.stop(0);
        webrtc.stop(0);
        handlers.shutdownNow();
    }

    private void handle(Listener listener, HttpExchange exchange) {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Optional<Operation> routed = Operation.routed(listener, method, path);
            if (routed.isEmpty()) {
                String problem = listener + " listener: no operation at " + RequestCheck.shape(method) + " "
                        + RequestCheck.shape(path);
                synchronized (lock) {
                    violations.add(problem);
                }
                sendError(exchange, listener, ServiceError.UNKNOWN_OPERATION, problem);
                return;
            }
            Operation operation = routed.get();
            Map<String, List<String>> headers = lowerCaseHeaders(exchange);
            RequestCheck.Result checked = RequestCheck.check(operation, headers, body);
            Fault fault;
            synchronized (lock) {
                requests.add(new Recorded(operation, listener, path, headers, body, checked.region()));
                checked.problems().forEach(problem -> violations.add(operation + ": " + problem));
                Fault channelFault = channelFaults.get(operation).get(checked.channelArn());
                fault = !checked.problems().isEmpty() ? null
                        : channelFault != null ? channelFault : faults.get(operation).poll();
            }
            if (!checked.problems().isEmpty()) {
                sendError(exchange, listener, ServiceError.VALIDATION, String.join("; ", checked.problems()));
                return;
            }
            answer(exchange, operation, checked.channelArn(), fault);
        } catch (IOException e) {
            // The client went away (its timeout, or a dropped connection): nobody is left to answer.
        }
    }

    private void answer(HttpExchange exchange, Operation operation, String channelArn, Fault fault)
            throws IOException {
        Listener listener = operation.listener();
        switch (fault) {
            case Fault.Error error -> sendError(exchange, listener, error.error(), error.message());
            case Fault.Drop drop -> {
                // Closing the exchange before sendResponseHeaders closes the connection without a status line.
            }
            case Fault.Delay delay -> {
                try {
                    Thread.sleep(delay.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                answer(exchange, operation, channelArn, null);
            }
            case Fault.NoWebrtcEndpoint none -> sendJson(exchange, 200, endpointList("HTTPS", controlEndpoint()));
            case Fault.Endpoint endpoint -> sendJson(exchange, 200, Map.of("ResourceEndpointList",
                    List.of(Map.of("Protocol", "WEBRTC", "ResourceEndpoint", endpoint.endpoint()))));
            case Fault.Body body -> {
                exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
                LoopbackHttp.sendJson(exchange, body.status(), body.body());
            }
            case Fault.Truncated truncated -> {
                byte[] bytes = JSON.writeValueAsBytes(endpointList("WEBRTC", webrtcEndpoint()));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
                exchange.getResponseBody().flush();
                // Closing the exchange now leaves the announced length unmet: the client sees the body end early.
            }
            case null -> answerNormally(exchange, operation, channelArn);
        }
    }

    private void answerNormally(HttpExchange exchange, Operation operation, String channelArn) throws IOException {
        boolean known;
        synchronized (lock) {
            known = channels.contains(channelArn);
        }
        if (!known) {
            sendError(exchange, operation.listener(), ServiceError.RESOURCE_NOT_FOUND,
                    "The requested channel is not found or not active.");
            return;
        }
        switch (operation) {
            case GET_SIGNALING_CHANNEL_ENDPOINT -> sendJson(exchange, 200, endpointList("WEBRTC", webrtcEndpoint()));
            case JOIN_STORAGE_SESSION_AS_VIEWER -> {
                exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
                exchange.sendResponseHeaders(200, -1);
            }
        }
    }

    private static Map<String, Object> endpointList(String protocol, URI endpoint) {
        return Map.of("ResourceEndpointList",
                List.of(Map.of("Protocol", protocol, "ResourceEndpoint", endpoint.toString())));
    }

    /** A rest-json error as AWS sends it: status, {@code x-amzn-ErrorType}, request id and a message body. */
    private static void sendError(HttpExchange exchange, Listener listener, ServiceError error, String message)
            throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", error.type() + ":" + listener.errorNamespace());
        sendJson(exchange, error.status(listener), Map.of(listener.messageMember(), message));
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        LoopbackHttp.sendJson(exchange, status, JSON.writeValueAsString(body));
    }

    private static Map<String, List<String>> lowerCaseHeaders(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach(
                (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return headers;
    }

    private URI endpoint(HttpServer server) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }
}
