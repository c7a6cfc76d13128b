package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * What the local HTTP stand-ins share: a server on a free port of 127.0.0.1, and answers with a body, sent as the JDK's
 * server wants them: an empty body with the length {@code -1}, since {@code 0} would announce a chunked one.
 */
final class LoopbackHttp {

    private LoopbackHttp() {
    }

    /**
     * Starts a server on 127.0.0.1 on a free port with {@code handler} at {@code path}.
     *
     * @param executor runs the handler; {@code null} for the server's own single thread
     */
    static HttpServer start(String path, HttpHandler handler, Executor executor) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, handler);
        server.setExecutor(executor);
        server.start();
        return server;
    }

    /** Sends the status and {@code body}, after whatever headers the caller set. */
    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    /** Sends the status and {@code body} as {@code application/json}. */
    static void sendJson(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body.getBytes(UTF_8));
    }
}
