package dev.kvsjoin.testing;

import static dev.kvsjoin.testing.LoopbackHttp.sendJson;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback Lambda Runtime API (version 2018-06-01) for the real runtime interface client, in the role Lambda plays
 * in an execution environment: {@code GET /runtime/invocation/next} blocks until an event is queued and hands it out
 * with the {@code Lambda-Runtime-*} headers; the runtime posts each answer to {@code /invocation/{id}/response} or
 * {@code /invocation/{id}/error}, or a failed start to {@code /init/error}. The SnapStart pair
 * {@code GET /restore/next} and {@code POST /restore/error} is answered too, with the restore happening at once in
 * the same process.
 *
 * <p>Several {@code /next} requests may be outstanding at once, as when the runtime client runs several invocations
 * concurrently ({@code AWS_LAMBDA_MAX_CONCURRENCY}, Lambda Managed Instances): each queued event goes to exactly one
 * of them, and answers are matched to their invocation by request id, in any order.
 *
 * <p>An invocation is <em>settled</em> once answered and the runtime thread that took it has asked for another event:
 * everything written for it, the runtime client's own error line included, is then written. A runtime thread is told
 * apart by its connection (the client keeps one per thread, and polls and answers on it); a thread that polls on a
 * connection not seen before may be one whose earlier connection closed, so that poll settles every invocation whose
 * answer is in and whose thread has not come back. Anything the runtime does that Lambda would reject is answered as
 * Lambda answers it and kept in {@link #violations()}. Thread-safe.
 */
public final class LocalRuntimeApi implements AutoCloseable {

    static final String PREFIX = "/2018-06-01/runtime/";
    /** Lambda's limit on the response of a synchronous invocation. */
    static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Pattern ANSWER = Pattern.compile("POST invocation/([^/]+)/(response|error)");
    private static final String ACCEPTED = "{\"status\":\"OK\"}";

    /** An error the runtime reported outside an invocation: its error type header and the error document. */
    public record RuntimeError(String errorType, String body) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final String functionArn;
    private final Duration timeout;
    private final BlockingQueue<Pending> queued = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    /** Handed out and not answered yet, by request id. Guarded by {@link #lock}. */
    private final Map<String, Pending> delivered = new HashMap<>();
    /** The invocation each runtime connection took last, until it polls again. Guarded by {@link #lock}. */
    private final Map<InetSocketAddress, Pending> held = new HashMap<>();
    /** Every connection that has polled for an event. Guarded by {@link #lock}. */
    private final Set<InetSocketAddress> pollers = new HashSet<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Long> initDone = new CompletableFuture<>();
    private final CompletableFuture<Long> restored = new CompletableFuture<>();
    private final AtomicReference<RuntimeError> initError = new AtomicReference<>();
    private final AtomicReference<RuntimeError> restoreError = new AtomicReference<>();
    private volatile String abandonedBecause;

    private LocalRuntimeApi(String functionArn, Duration timeout) throws IOException {
        this.functionArn = functionArn;
        this.timeout = timeout;
        this.server = LoopbackHttp.start("/", this::handle, handlers);
    }

    /**
     * Starts on 127.0.0.1, on a free port.
     *
     * @param functionArn the {@code Lambda-Runtime-Invoked-Function-Arn} of every invocation
     * @param timeout the function's timeout: each deadline is this long after the event is handed out
     */
    public static LocalRuntimeApi start(String functionArn, Duration timeout) throws IOException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be positive (received " + timeout + ")");
        }
        return new LocalRuntimeApi(functionArn, timeout);
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}: host and port, without a scheme. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event; the future completes once the invocation is settled or abandoned, never exceptionally. */
    public CompletableFuture<Invocation> submit(byte[] event) {
        Pending pending = new Pending(event.clone());
        synchronized (lock) {
            if (abandonedBecause != null) {
                pending.abandon(abandonedBecause);
            } else {
                queued.add(pending);
            }
        }
        return pending.settled;
    }

    /** Queues an event and waits for it to settle; throws {@link TimeoutException} after {@code wait}. */
    public Invocation invoke(byte[] event, Duration wait) throws TimeoutException {
        return await(submit(event), wait);
    }

    /** Waits for a submitted invocation; throws {@link TimeoutException} after {@code wait}. */
    public static Invocation await(CompletableFuture<Invocation> invocation, Duration wait) throws TimeoutException {
        try {
            return invocation.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an invocation", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("invocations complete normally", e.getCause());
        }
    }

    /** When the runtime first asked for an event, that is, when its init phase ended. */
    public Optional<Long> initDoneNanos() {
        return Optional.ofNullable(initDone.getNow(null));
    }

    /** Waits until the init phase ends (the first {@code /next}) or fails; returns whether it ended. */
    public boolean awaitInitDone(Duration wait) {
        try {
            initDone.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the runtime posted to {@code /init/error}, if anything. */
    public Optional<RuntimeError> initError() {
        return Optional.ofNullable(initError.get());
    }

    /** When the runtime asked to be restored ({@code /restore/next}, SnapStart only). */
    public Optional<Long> restoredNanos() {
        return Optional.ofNullable(restored.getNow(null));
    }

    /** What the runtime posted to {@code /restore/error}, if anything. */
    public Optional<RuntimeError> restoreError() {
        return Optional.ofNullable(restoreError.get());
    }

    /** Every request Lambda would have rejected, described; empty when the runtime kept to the protocol. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Gives up on every invocation not yet settled (for example when the runtime's process exited): answered ones
     * settle with their answer, the others as {@link Invocation.Abandoned} with {@code reason}, as will later ones.
     */
    public void abandon(String reason) {
        synchronized (lock) {
            if (abandonedBecause == null) {
                abandonedBecause = reason;
            }
            initDone.completeExceptionally(new IllegalStateException(reason));
            held.values().forEach(pending -> pending.abandon(reason));
            delivered.values().forEach(pending -> pending.abandon(reason));
            held.clear();
            delivered.clear();
            for (Pending pending; (pending = queued.poll()) != null; ) {
                pending.abandon(reason);
            }
        }
    }

    @Override
    public void close() {
        abandon("the local runtime API was closed");
        server.stop(0);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String route = exchange.getRequestMethod() + " "
                    + (path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : path);
            Matcher answer = ANSWER.matcher(route);
            switch (route) {
                case "GET invocation/next" -> next(exchange);
                case "POST init/error" -> initError(exchange);
                case "GET restore/next" -> {
                    restored.complete(System.nanoTime());
                    sendJson(exchange, 200, "");
                }
                case "POST restore/error" -> {
                    restoreError.compareAndSet(null, runtimeError(exchange));
                    sendJson(exchange, 202, ACCEPTED);
                }
                default -> {
                    if (answer.matches()) {
                        answer(exchange, answer.group(1), answer.group(2).equals("error"));
                    } else {
                        violations.add("no such resource: " + RequestCheck.shape(route));
                        sendJson(exchange, 404, "{\"errorType\":\"NotFound\",\"errorMessage\":\"no such resource\"}");
                    }
                }
            }
        } catch (IOException e) {
            // The runtime went away mid-request; its process exit abandons whatever it held.
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        initDone.complete(System.nanoTime());
        release(exchange.getRemoteAddress());
        Pending pending = null;
        try {
            while (pending == null && abandonedBecause == null) {
                pending = queued.poll(POLL.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pending == null || !deliver(pending, exchange.getRemoteAddress())) {
            sendJson(exchange, 500, "{\"errorType\":\"Runtime.Closed\",\"errorMessage\":\"no more invocations\"}");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", pending.requestId);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(pending.deadlineEpochMs));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set("Lambda-Runtime-Trace-Id", pending.traceId);
        LoopbackHttp.send(exchange, 200, pending.event);
    }

    /**
     * A runtime thread polls again: it is done with the invocation it took last on this connection. From a connection
     * not seen before, the thread cannot be told, so every answered invocation whose thread has not polled again is
     * taken as done.
     */
    private void release(InetSocketAddress connection) {
        synchronized (lock) {
            if (pollers.add(connection)) {
                for (var taken = held.values().iterator(); taken.hasNext(); ) {
                    Pending pending = taken.next();
                    if (pending.answer != null) {
                        taken.remove();
                        release(pending);
                    }
                }
            } else {
                Pending previous = held.remove(connection);
                if (previous != null) {
                    release(previous);
                }
            }
        }
    }

    /** The thread that took {@code pending} is done with it: it settles now if answered, else once answered. */
    private static void release(Pending pending) {
        pending.released = true;
        if (pending.answer != null) {
            pending.settle();
        }
    }

    /** Records a queued event as handed out on a connection; false, abandoning it, if the API was abandoned. */
    private boolean deliver(Pending pending, InetSocketAddress connection) {
        synchronized (lock) {
            if (abandonedBecause != null) {
                pending.abandon(abandonedBecause);
                return false;
            }
            pending.deliver(System.nanoTime(), System.currentTimeMillis() + timeout.toMillis());
            delivered.put(pending.requestId, pending);
            Pending unreleased = held.put(connection, pending);
            if (unreleased != null) {
                release(unreleased);
            }
            return true;
        }
    }

    private void answer(HttpExchange exchange, String requestId, boolean error) throws IOException {
        byte[] body = readUpTo(exchange.getRequestBody(), MAX_RESPONSE_BYTES + 1);
        long now = System.nanoTime();
        Invocation.Answer answer;
        if (body.length > MAX_RESPONSE_BYTES) {
            answer = new Invocation.Error("Function.ResponseSizeTooLarge",
                    "{\"errorType\":\"Function.ResponseSizeTooLarge\",\"errorMessage\":\"Response payload size"
                            + " exceeded maximum allowed payload size (" + MAX_RESPONSE_BYTES + " bytes).\"}", "");
        } else {
            String text = new String(body, UTF_8);
            var headers = exchange.getRequestHeaders();
            answer = error
                    ? new Invocation.Error(header(headers.getFirst("Lambda-Runtime-Function-Error-Type")), text,
                            header(headers.getFirst("Lambda-Runtime-Function-XRay-Error-Cause")))
                    : new Invocation.Response(text);
        }
        boolean awaited;
        synchronized (lock) {
            Pending pending = delivered.remove(requestId);
            awaited = pending != null;
            if (awaited) {
                pending.answer(now, answer);
                if (pending.released) {
                    pending.settle();
                }
            }
        }
        if (!awaited) {
            violations.add((error ? "error" : "response") + " for request id " + RequestCheck.shape(requestId)
                    + ", which is not awaiting an answer");
            sendJson(exchange, 400, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"invalid request id\"}");
        } else if (body.length > MAX_RESPONSE_BYTES) {
            violations.add("request " + requestId + ": answer larger than " + MAX_RESPONSE_BYTES + " bytes");
            sendJson(exchange, 413, "{\"errorType\":\"RequestEntityTooLarge\",\"errorMessage\":\"too large\"}");
        } else {
            sendJson(exchange, 202, ACCEPTED);
        }
    }

    private void initError(HttpExchange exchange) throws IOException {
        RuntimeError error = runtimeError(exchange);
        initError.compareAndSet(null, error);
        sendJson(exchange, 202, ACCEPTED);
        abandon("the runtime failed to initialise (" + error.errorType() + "): " + error.body());
    }

    private static RuntimeError runtimeError(HttpExchange exchange) throws IOException {
        String body = new String(readUpTo(exchange.getRequestBody(), MAX_RESPONSE_BYTES), UTF_8);
        return new RuntimeError(header(exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")),
                body);
    }

    private static byte[] readUpTo(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit);
        in.transferTo(OutputStream.nullOutputStream());
        return bytes;
    }

    private static String header(String value) {
        return value == null ? "" : value;
    }

    /** An X-Ray trace header as Lambda passes it: a new root, a parent segment id, not sampled. */
    private static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        byte[] root = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(root);
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.formatHex(root)
                + ";Parent=" + hex.formatHex(parent) + ";Sampled=0";
    }

    /** One event, from queued to settled. Its state changes under the API's lock. */
    private static final class Pending {
        final String requestId = UUID.randomUUID().toString();
        final String traceId = traceId();
        final byte[] event;
        final long queuedNanos = System.nanoTime();
        final CompletableFuture<Invocation> settled = new CompletableFuture<>();
        volatile long deliveredNanos;
        volatile long deadlineEpochMs;
        volatile long answeredNanos;
        volatile Invocation.Answer answer;
        /** The runtime thread that took it has asked for another event. */
        volatile boolean released;

        Pending(byte[] event) {
            this.event = event;
        }

        void deliver(long nanos, long deadline) {
            deliveredNanos = nanos;
            deadlineEpochMs = deadline;
        }

        void answer(long nanos, Invocation.Answer value) {
            answeredNanos = nanos;
            answer = value;
        }

        void settle() {
            settled.complete(new Invocation(requestId, traceId, deadlineEpochMs, queuedNanos, deliveredNanos,
                    answeredNanos, answer));
        }

        void abandon(String reason) {
            if (answer == null) {
                answer(0, new Invocation.Abandoned(reason));
            }
            settle();
        }
    }
}
