package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/**
 * A loopback stand-in for Lambda's Invoke API in front of a {@link FunctionProcess}, for the local Step Functions
 * interpreter's Lambda tasks ({@code src/test/node/run.js}): {@code POST /invoke} with the payload as the body
 * answers 200 with the function's result, or, when the function threw, 200 with its error document and the
 * {@code X-Amz-Function-Error: Unhandled} header, as Lambda does; or, when a test queued one with
 * {@link #failNext}, an error of Lambda itself (500 with {@code X-Amzn-ErrorType}) without reaching the function.
 * An invocation that got no answer (the runtime crashed or timed out) is answered 502. Invocations are sent to the
 * function one at a time, in arrival order.
 */
public final class LocalLambda implements AutoCloseable {

    /**
     * One invocation: the state that made it, the function name it gave, the payload, and what the function did.
     */
    public record Call(String stateName, String functionName, String payload, Invocation invocation) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final FunctionProcess function;
    private final Duration wait;
    private final Object lock = new Object();
    private final List<Call> calls = new ArrayList<>();
    private final Queue<String> serviceErrors = new ArrayDeque<>();
    private IntConsumer beforeInvocation = number -> { };

    private LocalLambda(FunctionProcess function, Duration wait) throws IOException {
        this.function = function;
        this.wait = wait;
        this.server = LoopbackHttp.start("/invoke", this::handle, handlers);
    }

    /** Starts the endpoint on a free loopback port. */
    public static LocalLambda start(FunctionProcess function, Duration wait) throws IOException {
        return new LocalLambda(function, wait);
    }

    public URI invokeUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/invoke");
    }

    /**
     * Runs {@code action} with the invocation's number (1 for the first since the last {@link #reset()}) just before
     * the function gets it: a test changes the local endpoints' behaviour between a state machine's attempts so.
     */
    public void beforeInvocation(IntConsumer action) {
        synchronized (lock) {
            beforeInvocation = action;
        }
    }

    /**
     * Answers the next request with Lambda's own {@code errorType} (such as {@code ServiceException}, which a state
     * machine sees as {@code Lambda.ServiceException}) instead of invoking the function.
     */
    public void failNext(String errorType) {
        synchronized (lock) {
            serviceErrors.add(errorType);
        }
    }

    /** The invocations since the last {@link #reset()}, in order. */
    public List<Call> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /** Forgets the invocations and the {@link #beforeInvocation} action. */
    public void reset() {
        synchronized (lock) {
            calls.clear();
            serviceErrors.clear();
            beforeInvocation = number -> { };
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] payload = exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, "POST only", false);
                return;
            }
            Call call;
            synchronized (lock) {
                String serviceError = serviceErrors.poll();
                if (serviceError != null) {
                    exchange.getResponseHeaders().set("X-Amzn-ErrorType", serviceError);
                    send(exchange, 500, "{\"message\":\"Scripted " + serviceError + " from the local Lambda\"}",
                            false);
                    return;
                }
                beforeInvocation.accept(calls.size() + 1);
                FunctionProcess.Call settled;
                try {
                    settled = function.invoke(payload, wait);
                } catch (IllegalStateException e) {
                    send(exchange, 502, e.getMessage(), false);
                    return;
                }
                call = new Call(header(exchange, "x-state-name"), header(exchange, "x-function-name"),
                        new String(payload, UTF_8), settled.invocation());
                calls.add(call);
            }
            switch (call.invocation().answer()) {
                case Invocation.Response response -> send(exchange, 200, response.body(), false);
                case Invocation.Error error -> send(exchange, 200, error.body(), true);
                case Invocation.Abandoned abandoned -> send(exchange, 502, abandoned.reason(), false);
            }
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    private static void send(HttpExchange exchange, int status, String body, boolean functionError)
            throws IOException {
        if (functionError) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        }
        LoopbackHttp.sendJson(exchange, status, body);
    }
}
