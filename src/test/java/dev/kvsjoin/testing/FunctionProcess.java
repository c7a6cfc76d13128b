package dev.kvsjoin.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The packaged function running in its own JVM under the real Lambda Java runtime interface client, started as
 * Lambda's managed runtime starts it: the handler from {@code template.yaml}, the deployment package laid out as in
 * {@code /var/task} ({@link TaskRoot}), the client's jars on the class path ({@link RuntimeClient}), Lambda's JVM
 * options ({@link LambdaJvmFlags}) and Lambda's environment, nothing inherited from this process. Events go through
 * a {@link LocalRuntimeApi} this object owns: one at a time ({@link #invoke}), or many at once ({@link #invokeAll}),
 * which the runtime client runs side by side when {@link Builder#maxConcurrency} is set, as on Lambda Managed
 * Instances.
 *
 * <p>For measurements: {@link Builder#commandPrefix} runs the JVM under a wrapper that execs it (such as
 * {@code taskset -c 0}), {@link Builder#jvmFlags} and {@link Builder#environment} add to or override Lambda's,
 * and the timestamps of {@link #startedNanos()}, {@link LocalRuntimeApi#initDoneNanos()} and {@link Invocation}
 * share one clock.
 */
public final class FunctionProcess implements AutoCloseable {

    /** The account id in the invoked function ARN; Lambda's own for a local run. */
    static final String ACCOUNT = "123456789012";
    /** The oldest JDK the function is compiled for. */
    static final int MINIMUM_JAVA = 21;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> SECRET_VARIABLES = List.of(
            "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN");

    /** How the execution environment is initialised, as {@code AWS_LAMBDA_INITIALIZATION_TYPE} names it. */
    public enum InitType {
        /** A normal cold start: init, then invocations; credentials in the environment. */
        ON_DEMAND("on-demand"),
        /**
         * SnapStart: init, the CRaC {@code beforeCheckpoint} hooks, an immediate restore in the same process, the
         * {@code afterRestore} hooks, then invocations; credentials from a container credentials endpoint.
         */
        SNAP_START("snap-start");

        private final String value;

        InitType(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** AWS credentials for the function; {@link #toString()} hides the secrets. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {

        /** A session token is optional (long-term credentials have none); the key pair is not. */
        public Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        /** Random credentials that only the local endpoints accept, distinct enough to find if they leak. */
        public static Credentials fake() {
            return new Credentials("AKIDLOCAL" + random(6).toUpperCase(Locale.ROOT), "localsecret" + random(16),
                    "localsessiontoken" + random(32));
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***, sessionToken=***]";
        }
    }

    /**
     * One settled invocation and its output lines: from {@link #invoke}, every line the process wrote while it was
     * queued and running; from {@link #invokeAll}, the lines of that time that carry its request id.
     */
    public record Call(Invocation invocation, List<String> stdout, List<String> stderr) {
    }

    /** The resident memory of the process from {@code /proc}, in kibibytes: current and peak. */
    public record Memory(long residentKb, long peakResidentKb) {
    }

    private final Process process;
    private final long startedNanos;
    private final LocalRuntimeApi runtimeApi;
    private final LocalCredentialsEndpoint credentialsEndpoint;
    private final FunctionTemplate function;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workDir;
    private final OutputCapture stdout;
    private final OutputCapture stderr;

    private FunctionProcess(Builder builder, FunctionTemplate function, Path workDir) throws IOException {
        this.function = function;
        this.workDir = workDir;
        Path taskRoot = Files.createDirectories(workDir.resolve("task"));
        Path runtimeDir = Files.createDirectories(workDir.resolve("runtime"));
        TaskRoot.assemble(builder.projectDir, function.handler(), taskRoot);
        Path nativeLibrary = RuntimeClient.extractNativeLibrary(runtimeDir.resolve("jni"));
        List<Path> runtimeClasspath = RuntimeClient.classpath();
        String name = builder.functionName != null ? builder.functionName : function.logicalId();
        boolean snapStart = builder.initType == InitType.SNAP_START;
        String token = snapStart ? random(24) : null;
        this.runtimeApi = LocalRuntimeApi.start(
                "arn:aws:lambda:" + builder.region + ":" + ACCOUNT + ":function:" + name, function.timeout());
        LocalCredentialsEndpoint endpoint = null;
        try {
            endpoint = snapStart ? LocalCredentialsEndpoint.start(builder.credentials, token) : null;
            this.credentialsEndpoint = endpoint;
            this.environment = Collections.unmodifiableMap(environment(builder, function, name, taskRoot, runtimeDir,
                    token));
            this.command = command(builder, function, snapStart, nativeLibrary, runtimeClasspath);

            Path out = workDir.resolve("stdout.log");
            Path err = workDir.resolve("stderr.log");
            this.stdout = new OutputCapture(out);
            this.stderr = new OutputCapture(err);
            ProcessBuilder processBuilder = new ProcessBuilder(command).directory(taskRoot.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            processBuilder.environment().clear();
            processBuilder.environment().putAll(environment);
            this.startedNanos = System.nanoTime();
            this.process = processBuilder.start();
        } catch (IOException | RuntimeException e) {
            runtimeApi.close();
            if (endpoint != null) {
                endpoint.close();
            }
            throw e;
        }
        process.onExit().thenRun(() -> runtimeApi.abandon("the function process exited with code "
                + process.exitValue()));
    }

    /** The prefix, then java as the managed runtime starts it, then the builder's JVM options. */
    private static List<String> command(Builder builder, FunctionTemplate function, boolean snapStart,
                                        Path nativeLibrary, List<Path> runtimeClasspath) {
        List<String> command = new ArrayList<>(builder.commandPrefix);
        command.add(builder.javaHome.resolve("bin/java").toString());
        command.addAll(LambdaJvmFlags.of(function.javaVersion(), javaVersion(builder.javaHome), function.memoryMb(),
                snapStart, nativeLibrary));
        command.addAll(builder.jvmFlags);
        command.add("-classpath");
        command.add(runtimeClasspath.stream().map(Path::toString).collect(Collectors.joining(":")));
        command.add(RuntimeClient.MAIN_CLASS);
        command.add(function.handler());
        return List.copyOf(command);
    }

    /** Lambda's environment for the function, then the template's variables, then the builder's overrides. */
    private Map<String, String> environment(Builder builder, FunctionTemplate function, String name, Path taskRoot,
                                            Path runtimeDir, String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("_HANDLER", function.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", builder.initType.value());
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                "yyyy/MM/dd")) + "/[$LATEST]" + random(16));
        if (function.logFormat().equalsIgnoreCase("JSON")) {
            env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            env.put("AWS_LAMBDA_LOG_LEVEL",
                    function.applicationLogLevel().isEmpty() ? "INFO" : function.applicationLogLevel());
        }
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        env.put("AWS_REGION", builder.region);
        env.put("AWS_DEFAULT_REGION", builder.region);
        if (credentialsEndpoint != null) {
            env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentialsEndpoint.uri().toString());
            env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        } else {
            env.put("AWS_ACCESS_KEY_ID", builder.credentials.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", builder.credentials.secretAccessKey());
            if (builder.credentials.sessionToken() != null) {
                env.put("AWS_SESSION_TOKEN", builder.credentials.sessionToken());
            }
        }
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("PATH", builder.javaHome.resolve("bin") + ":/usr/local/bin:/usr/bin/:/bin");
        env.putAll(function.environment());
        if (builder.maxConcurrency > 0) {
            env.put("AWS_LAMBDA_MAX_CONCURRENCY", Integer.toString(builder.maxConcurrency));
        }
        if (builder.kinesisVideoEndpoint != null) {
            env.put("AWS_ENDPOINT_URL_KINESIS_VIDEO", builder.kinesisVideoEndpoint.toString());
        }
        env.putAll(builder.environment);
        env.values().removeIf(v -> v == null);
        return env;
    }

    /** A builder reading the function from {@code template.yaml} and the build output under {@code target/}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Waits for the runtime to finish its init phase; throws, with what the process wrote, if it does not. */
    public FunctionProcess awaitReady(Duration wait) {
        if (!runtimeApi.awaitInitDone(wait)) {
            throw new IllegalStateException("the function did not finish its init phase within " + wait + ": "
                    + diagnosis());
        }
        return this;
    }

    /** Sends one event and waits for it to settle; throws, with what the process wrote, if it does not. */
    public Call invoke(byte[] event, Duration wait) {
        int outFrom = stdout.size();
        int errFrom = stderr.size();
        Invocation invocation;
        try {
            invocation = runtimeApi.invoke(event, wait);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + wait + ": " + diagnosis(), e);
        }
        if (!process.isAlive()) {
            stdout.finish();
            stderr.finish();
        }
        return new Call(invocation, stdout.linesFrom(outFrom), stderr.linesFrom(errFrom));
    }

    /**
     * Sends every event at once and waits for all of them to settle, within {@code wait} in all; throws, with what
     * the process wrote, if they do not. The calls come back in the order of the events. With the runtime's
     * concurrency ({@link Builder#maxConcurrency}) above one, the invocations run side by side and their lines
     * interleave: each call's lines are those that carry its request id (the function's {@code function_request_id},
     * the runtime client's {@code AWSRequestId}); lines that carry none, such as the runtime client's own start-up
     * line, are in {@link #stdout()} only.
     */
    public List<Call> invokeAll(List<byte[]> events, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        int outFrom = stdout.size();
        int errFrom = stderr.size();
        List<CompletableFuture<Invocation>> submitted = events.stream().map(runtimeApi::submit).toList();
        List<Invocation> invocations = new ArrayList<>();
        for (CompletableFuture<Invocation> invocation : submitted) {
            try {
                invocations.add(LocalRuntimeApi.await(invocation,
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
            } catch (TimeoutException e) {
                long settled = submitted.stream().filter(CompletableFuture::isDone).count();
                throw new IllegalStateException(settled + " of " + events.size() + " invocations settled within "
                        + wait + ": " + diagnosis(), e);
            }
        }
        if (!process.isAlive()) {
            stdout.finish();
            stderr.finish();
        }
        List<String> out = stdout.linesFrom(outFrom);
        List<String> err = stderr.linesFrom(errFrom);
        return invocations.stream().map(invocation -> new Call(invocation,
                carrying(out, invocation.requestId()), carrying(err, invocation.requestId()))).toList();
    }

    private static List<String> carrying(List<String> lines, String requestId) {
        return lines.stream().filter(line -> line.contains(requestId)).toList();
    }

    public LocalRuntimeApi runtimeApi() {
        return runtimeApi;
    }

    /** The function as the template declares it. */
    public FunctionTemplate function() {
        return function;
    }

    /** {@link System#nanoTime()} just before the process was started. */
    public long startedNanos() {
        return startedNanos;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The command line, prefix included; it holds no secrets. */
    public List<String> command() {
        return command;
    }

    /** The process's whole environment, with secret values replaced by {@code ***}. */
    public Map<String, String> environment() {
        Map<String, String> shown = new LinkedHashMap<>(environment);
        SECRET_VARIABLES.forEach(name -> shown.computeIfPresent(name, (k, v) -> "***"));
        return shown;
    }

    /** Every line written to standard output so far: the function's log lines. */
    public List<String> stdout() {
        return stdout.lines();
    }

    /** Every line written to standard error so far. */
    public List<String> stderr() {
        return stderr.lines();
    }

    /** Protocol violations of the runtime and of the credentials endpoint's clients. */
    public List<String> violations() {
        List<String> all = new ArrayList<>(runtimeApi.violations());
        if (credentialsEndpoint != null) {
            all.addAll(credentialsEndpoint.violations());
        }
        return all;
    }

    /** How many times the container credentials endpoint answered (SnapStart only; 0 otherwise). */
    public int credentialsServed() {
        return credentialsEndpoint == null ? 0 : credentialsEndpoint.served();
    }

    /** Current and peak resident memory, while the process runs on Linux. */
    public Optional<Memory> memory() {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            Map<String, Long> kb = lines.filter(l -> l.startsWith("VmRSS:") || l.startsWith("VmHWM:"))
                    .collect(Collectors.toMap(l -> l.substring(0, 5),
                            l -> Long.parseLong(l.replaceAll("\\D", ""))));
            return kb.size() == 2 ? Optional.of(new Memory(kb.get("VmRSS"), kb.get("VmHWM"))) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** CPU time the process has used so far, as the OS reports it. */
    public Optional<Duration> cpuTime() {
        return process.info().totalCpuDuration();
    }

    /** Stops the process (SIGTERM, then SIGKILL after five seconds) and the local endpoints, and removes its files. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        stdout.finish();
        stderr.finish();
        runtimeApi.close();
        if (credentialsEndpoint != null) {
            credentialsEndpoint.close();
        }
        deleteTree(workDir);
    }

    private String diagnosis() {
        StringBuilder text = new StringBuilder();
        if (process.isAlive()) {
            text.append("the process (pid ").append(process.pid()).append(") is still running");
        } else {
            stdout.finish();
            stderr.finish();
            text.append("the process exited with code ").append(process.exitValue());
        }
        runtimeApi.initError().ifPresent(e -> text.append("; init error ").append(e.errorType()).append(": ")
                .append(e.body()));
        List<String> err = stderr.lines();
        List<String> out = stdout.lines();
        text.append("; last lines of stderr: ").append(err.subList(Math.max(0, err.size() - 20), err.size()));
        text.append("; last lines of stdout: ").append(out.subList(Math.max(0, out.size() - 5), out.size()));
        return text.toString();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Leftovers under target/ go with the next mvn clean.
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    /** The Java feature version of a JDK, from its {@code release} file. */
    static int javaVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        try (Stream<String> lines = Files.lines(release)) {
            String version = lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", ""))
                    .orElseThrow(() -> new IllegalStateException(release + " names no JAVA_VERSION"));
            String[] parts = version.split("[._+-]");
            return Integer.parseInt(parts[0].equals("1") ? parts[1] : parts[0]);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException(javaHome + " is not a JDK (no readable release file)", e);
        }
    }

    /** Options for {@link FunctionProcess}; every one has a default that matches Lambda. */
    public static final class Builder {
        private Path projectDir = Path.of("").toAbsolutePath();
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private URI kinesisVideoEndpoint;
        private Credentials credentials = Credentials.fake();
        private String region = "us-west-2";
        private String functionName;
        private InitType initType = InitType.ON_DEMAND;
        private int maxConcurrency;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmFlags = new ArrayList<>();
        private final List<String> commandPrefix = new ArrayList<>();

        private Builder() {
        }

        /** The repository root, holding {@code template.yaml} and {@code target/}; the working directory by default. */
        public Builder projectDir(Path dir) {
            this.projectDir = dir.toAbsolutePath();
            return this;
        }

        /** The JDK to run the function with; this JVM's by default. */
        public Builder javaHome(Path home) {
            this.javaHome = home.toAbsolutePath();
            return this;
        }

        /** Sends the function's Kinesis Video calls here ({@code AWS_ENDPOINT_URL_KINESIS_VIDEO}); AWS by default. */
        public Builder kinesisVideoEndpoint(URI endpoint) {
            this.kinesisVideoEndpoint = endpoint;
            return this;
        }

        /** The function's credentials; random fake ones by default. */
        public Builder credentials(Credentials value) {
            this.credentials = value;
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        /** {@code AWS_LAMBDA_FUNCTION_NAME}; the template's logical id by default, as {@code sam local} does. */
        public Builder functionName(String value) {
            this.functionName = value;
            return this;
        }

        public Builder initType(InitType value) {
            this.initType = value;
            return this;
        }

        /**
         * Runs up to {@code invocations} invocations at once in the one process, as Lambda Managed Instances do: sets
         * {@code AWS_LAMBDA_MAX_CONCURRENCY}, for which the runtime client starts that many threads, each polling
         * for events (with {@code 1}, one such thread). Unset by default: the client's single loop, one invocation
         * at a time, as on Lambda's default compute.
         */
        public Builder maxConcurrency(int invocations) {
            if (invocations < 1) {
                throw new IllegalArgumentException("maxConcurrency: must be at least 1 (received " + invocations
                        + ")");
            }
            this.maxConcurrency = invocations;
            return this;
        }

        /** Sets an environment variable after Lambda's and the template's; {@code null} removes one. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** JVM options after Lambda's, so a later option overrides an earlier one. */
        public Builder jvmFlags(String... flags) {
            jvmFlags.addAll(List.of(flags));
            return this;
        }

        /** A command that execs the JVM with its arguments, such as {@code taskset -c 0}; the pid stays the JVM's. */
        public Builder commandPrefix(String... words) {
            commandPrefix.addAll(List.of(words));
            return this;
        }

        /** Lays out the task root and starts the process; it then inits while the caller goes on. */
        public FunctionProcess start() throws IOException {
            Path java = javaHome.resolve("bin/java");
            if (!Files.isExecutable(java)) {
                throw new IllegalStateException(java + " is missing: set javaHome to a JDK " + MINIMUM_JAVA
                        + " or later");
            }
            int version = javaVersion(javaHome);
            if (version < MINIMUM_JAVA) {
                throw new IllegalStateException("the JDK at " + javaHome + " is Java " + version + "; the function"
                        + " needs Java " + MINIMUM_JAVA + " or later");
            }
            FunctionTemplate function = FunctionTemplate.read(projectDir.resolve("template.yaml"));
            Set<String> reserved = Set.of("AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT");
            for (String name : environment.keySet()) {
                if (reserved.contains(name)) {
                    throw new IllegalArgumentException("environment: " + name + " is set by the local runtime");
                }
            }
            Path target = projectDir.resolve("target");
            Path workDir = Files.isDirectory(target) ? Files.createTempDirectory(target, "function-")
                    : Files.createTempDirectory("function-");
            try {
                return new FunctionProcess(this, function, workDir);
            } catch (IOException | RuntimeException e) {
                deleteTree(workDir);
                throw e;
            }
        }
    }
}
