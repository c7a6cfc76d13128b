package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code ./run} command: runs an event file through the packaged function under the real Lambda runtime
 * client, against an embedded local Kinesis Video endpoint or, with {@code --aws}, against AWS; or serves
 * {@code POST /join} and {@code POST /channels/{channel}/join} on localhost like the template's HTTP API. The function's response goes to standard output,
 * everything else (its log lines, timings, problems) to standard error.
 *
 * <p>The only reader of this process's environment among the local tools: {@code --aws} passes the caller's
 * credentials and region on to the function, and nothing else of the environment reaches it.
 */
public final class LocalRun {

    /** The channel the embedded endpoint knows, the one every sample event names. */
    static final String CHANNEL = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000";
    static final String DEFAULT_EVENT = "events/http-api.json";
    static final int DEFAULT_PORT = 3000;
    /** Time allowed on top of the function's timeout for the JVM to start and the runtime to init. */
    static final Duration INIT_ALLOWANCE = Duration.ofSeconds(60);

    static final int OK = 0;
    static final int FUNCTION_FAILED = 1;
    static final int USAGE = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String USAGE_TEXT = """
            Usage:
              ./run [events/FILE.json]        run an event through the packaged function, under the Lambda Java
                                              runtime client, against an embedded Kinesis Video endpoint
                                              (default: %s)
              ./run --aws events/FILE.json    the same against AWS: needs AWS_REGION (or AWS_DEFAULT_REGION),
                                              AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN
                                              for temporary credentials) in the environment
              ./run --serve [PORT]            serve POST /join and POST /channels/{channel}/join on
                                              http://127.0.0.1:PORT (default %d) like the HTTP API, as the
                                              sample IAM caller; add --aws to call AWS instead of the embedded
                                              endpoint
            The response goes to standard output; the function's log lines and timings to standard error.
            The embedded endpoint knows one channel: %s
            Exit status: 0 the function answered, 1 it failed (error, crash, timeout), 2 usage or setup problem.
            """.formatted(DEFAULT_EVENT, DEFAULT_PORT, CHANNEL);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    LocalRun(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new LocalRun(System.out, System.err, System.getenv()).run(args));
    }

    /** The parsed command line. */
    record Options(boolean aws, boolean serve, int port, Path event) {
    }

    int run(String[] args) {
        Options options;
        try {
            options = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            err.println("./run: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (options == null) {
            out.print(USAGE_TEXT);
            return OK;
        }
        try {
            return options.serve() ? serve(options) : once(options);
        } catch (IllegalStateException | IOException e) {
            err.println("./run: " + e.getMessage());
            return USAGE;
        }
    }

    /** Parses the arguments; {@code null} for {@code --help}. */
    static Options parse(List<String> args) {
        boolean aws = false;
        boolean serve = false;
        Integer port = null;
        Path event = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--aws" -> aws = true;
                case "--serve" -> {
                    serve = true;
                    if (i + 1 < args.size() && args.get(i + 1).matches("\\d{1,5}")) {
                        port = Integer.parseInt(args.get(++i));
                        if (port > 65535) {
                            throw new IllegalArgumentException("PORT: must be at most 65535 (received " + port + ")");
                        }
                    }
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + RequestCheck.shape(arg));
                    }
                    if (event != null) {
                        throw new IllegalArgumentException("one event file at a time (received " + event + " and "
                                + RequestCheck.shape(arg) + ")");
                    }
                    event = Path.of(arg);
                }
            }
        }
        if (serve && event != null) {
            throw new IllegalArgumentException("--serve takes requests over HTTP, not an event file");
        }
        if (aws && !serve && event == null) {
            throw new IllegalArgumentException("--aws needs the event file to send, so that real calls are explicit");
        }
        return new Options(aws, serve, port == null ? DEFAULT_PORT : port,
                event == null ? Path.of(DEFAULT_EVENT) : event);
    }

    private int once(Options options) throws IOException {
        byte[] event = readEvent(options.event());
        try (Backend backend = Backend.start(options.aws(), env);
             FunctionProcess function = backend.function()) {
            err.println("./run: " + options.event() + " -> " + function.function().handler() + " ("
                    + describe(function, backend) + ")");
            FunctionProcess.Call call = function.invoke(event, function.function().timeout().plus(INIT_ALLOWANCE));
            printLines(function.stdout(), function.stderr());
            printAnswer(call.invocation());
            printTimings(function, call.invocation());
            backend.printCalls(err);
            List<String> violations = function.violations();
            violations.forEach(v -> err.println("./run: runtime protocol violation: " + v));
            return call.invocation().answer() instanceof Invocation.Response ? OK : FUNCTION_FAILED;
        }
    }

    private int serve(Options options) throws IOException {
        Backend backend = Backend.start(options.aws(), env);
        FunctionProcess function;
        try {
            function = backend.function();
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
        Duration wait = function.function().timeout().plus(INIT_ALLOWANCE);
        LocalHttpApi api;
        try {
            api = LocalHttpApi.start(options.port(), event -> function.invoke(event, wait), this::printExchange);
        } catch (IOException e) {
            function.close();
            backend.close();
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + options.port() + " (" + e.getMessage()
                    + "); name another port: ./run --serve PORT");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            function.close();
            backend.close();
            stopped.countDown();
        }));
        err.println("./run: " + function.function().handler() + " (" + describe(function, backend) + ")");
        err.println("./run: serving POST http://127.0.0.1:" + api.port() + LocalHttpApi.ROUTE_PATH + " and "
                + LocalHttpApi.CHANNEL_ROUTE + " like the HTTP API in IAM mode (no signature checked: every request"
                + " comes as IAM user " + Callers.IAM_USER_ID + ", whose client ids start with it); Ctrl-C stops."
                + " Try:");
        err.println("  curl -s -X POST http://127.0.0.1:" + api.port() + LocalHttpApi.ROUTE_PATH
                + " -H 'content-type: application/json' -d '{\"channelArn\": \"" + CHANNEL
                + "\", \"clientId\": \"" + Callers.IAM_USER_ID + ".viewer-1\"}'");
        try {
            function.awaitReady(wait);
            err.println("./run: init done in " + millis(function.runtimeApi().initDoneNanos().orElseThrow()
                    - function.startedNanos()) + " ms");
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            err.println("./run: " + e.getMessage());
            return FUNCTION_FAILED;
        }
        return OK;
    }

    private synchronized void printExchange(LocalHttpApi.Exchange exchange) {
        if (exchange.call() == null) {
            err.println("./run: " + exchange.method() + " " + exchange.path() + " -> " + exchange.status()
                    + (exchange.failure() == null ? " (no such route)" : " (" + exchange.failure() + ")"));
            return;
        }
        Invocation invocation = exchange.call().invocation();
        err.println("./run: " + exchange.method() + " " + exchange.path() + " -> " + exchange.status() + " ("
                + invocation.duration().toMillis() + " ms, request id " + invocation.requestId() + ")");
        printLines(exchange.call().stdout(), exchange.call().stderr());
    }

    private byte[] readEvent(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(file + ": no such event file; " + listEvents());
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        try {
            JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(file + ": is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return bytes;
    }

    private static String listEvents() {
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            return "events/ holds " + files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "there is no events/ folder here: run from the repository root";
        }
    }

    private static String describe(FunctionProcess function, Backend backend) {
        FunctionTemplate template = function.function();
        int local = Runtime.version().feature();
        String jdk = "JDK " + local + (local == template.javaVersion() ? "" : ", while Lambda runs "
                + template.runtime());
        return "Lambda Java runtime client, " + jdk + ", " + template.memoryMb() + " MB, timeout "
                + template.timeout().toSeconds() + " s; Kinesis Video: " + backend.describe();
    }

    private void printLines(List<String> stdout, List<String> stderr) {
        err.println("./run: function log (" + stdout.size() + (stdout.size() == 1 ? " line" : " lines")
                + " on stdout" + (stderr.isEmpty() ? "" : ", " + stderr.size() + " on stderr") + "):");
        stdout.forEach(line -> err.println("  " + line));
        stderr.forEach(line -> err.println("  stderr| " + line));
        stdout.stream().filter(EmfValidator::isEmf).forEach(line -> printMetrics(err, line));
    }

    /** The metrics CloudWatch would extract from one log line, one per metric and dimension set, or its problems. */
    static void printMetrics(PrintStream err, String line) {
        List<String> problems = EmfValidator.problems(line);
        if (!problems.isEmpty()) {
            err.println("./run: this line would give CloudWatch no metrics (embedded metric format problems):");
            problems.forEach(p -> err.println("  " + p));
            return;
        }
        List<EmfValidator.Datum> data = EmfValidator.data(EmfValidator.assertValid(line));
        err.println("./run: metrics CloudWatch extracts from it (namespace "
                + data.stream().map(EmfValidator.Datum::namespace).distinct().collect(Collectors.joining(", "))
                + "; timestamp " + java.time.Instant.ofEpochMilli(readTimestamp(line)) + "):");
        int width = data.stream().mapToInt(d -> d.name().length()).max().orElse(0);
        for (EmfValidator.Datum datum : data) {
            String value = datum.value() == Math.rint(datum.value()) ? Long.toString((long) datum.value())
                    : Double.toString(datum.value());
            err.println("  " + String.format("%-" + width + "s %6s %-12s ", datum.name(), value, datum.unit())
                    + datum.dimensions().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" ")));
        }
    }

    private static long readTimestamp(String line) {
        try {
            return JSON.readTree(line).path("_aws").path("Timestamp").asLong();
        } catch (IOException e) {
            return 0;
        }
    }

    private void printAnswer(Invocation invocation) {
        switch (invocation.answer()) {
            case Invocation.Response response -> {
                out.println(pretty(response.body()));
                httpBody(response.body()).ifPresent(body -> err.println("./run: the proxy response's body:\n"
                        + pretty(body)));
            }
            case Invocation.Error error -> {
                out.println(pretty(error.body()));
                err.println("./run: the function failed (" + error.runtimeErrorType() + "); Lambda returns the"
                        + " document above with X-Amz-Function-Error: Unhandled");
            }
            case Invocation.Abandoned abandoned -> err.println("./run: no answer: " + abandoned.reason());
        }
    }

    private void printTimings(FunctionProcess function, Invocation invocation) {
        String init = function.runtimeApi().initDoneNanos()
                .map(done -> millis(done - function.startedNanos()) + " ms").orElse("not finished");
        err.println("./run: init (JVM start to the first /next) " + init + ", invocation "
                + invocation.duration().toMillis() + " ms, request id " + invocation.requestId());
    }

    /** The body of an API Gateway proxy response, decoded, when the answer is one. */
    private static Optional<String> httpBody(String response) {
        try {
            JsonNode root = JSON.readTree(response);
            if (root != null && root.isObject() && root.has("statusCode") && root.path("body").isTextual()) {
                String body = root.path("body").asText();
                return Optional.of(root.path("isBase64Encoded").asBoolean(false)
                        ? new String(Base64.getDecoder().decode(body), UTF_8) : body);
            }
        } catch (IOException | IllegalArgumentException e) {
            // Not a proxy response: nothing more to show.
        }
        return Optional.empty();
    }

    private static String pretty(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    /** Where the function's Kinesis Video calls go: the embedded endpoint, or AWS with the caller's credentials. */
    private record Backend(LocalKinesisVideo kvs, FunctionProcess.Credentials credentials, String region)
            implements AutoCloseable {

        static Backend start(boolean aws, Map<String, String> env) throws IOException {
            if (!aws) {
                LocalKinesisVideo kvs = LocalKinesisVideo.start();
                kvs.addChannel(CHANNEL);
                return new Backend(kvs, FunctionProcess.Credentials.fake(), "us-west-2");
            }
            List<String> missing = new ArrayList<>();
            String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
            if (region == null) {
                missing.add("AWS_REGION (or AWS_DEFAULT_REGION)");
            }
            for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
                if (first(env, name) == null) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("--aws calls AWS with credentials from the environment, and "
                        + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not set. With"
                        + " a profile or SSO login, export them first: eval \"$(aws configure export-credentials"
                        + " --format env)\"");
            }
            return new Backend(null, new FunctionProcess.Credentials(first(env, "AWS_ACCESS_KEY_ID"),
                    first(env, "AWS_SECRET_ACCESS_KEY"), first(env, "AWS_SESSION_TOKEN")), region);
        }

        FunctionProcess function() throws IOException {
            FunctionProcess.Builder builder = FunctionProcess.builder().credentials(credentials).region(region);
            if (kvs != null) {
                builder.kinesisVideoEndpoint(kvs.controlEndpoint());
            }
            return builder.start();
        }

        String describe() {
            return kvs == null ? "AWS (" + region + ", the channel ARN's region decides where calls go)"
                    : "embedded endpoint " + kvs.controlEndpoint() + " (no AWS calls)";
        }

        void printCalls(PrintStream err) {
            if (kvs == null) {
                return;
            }
            List<String> calls = kvs.requests().stream().map(r -> r.operation() + " on " + r.listener())
                    .toList();
            err.println("./run: the embedded endpoint received " + (calls.isEmpty() ? "no calls" : calls));
            kvs.violations().forEach(v -> err.println("./run: request AWS would reject: " + v));
        }

        @Override
        public void close() {
            if (kvs != null) {
                kvs.close();
            }
        }

        private static String first(Map<String, String> env, String... names) {
            for (String name : names) {
                String value = env.get(name);
                if (value != null && !value.isBlank()) {
                    return value.strip();
                }
            }
            return null;
        }
    }
}
