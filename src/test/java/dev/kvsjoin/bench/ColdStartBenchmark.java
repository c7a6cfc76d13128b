package dev.kvsjoin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.testing.FunctionProcess;
import dev.kvsjoin.testing.FunctionTemplate;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.Tls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The cold-start benchmark behind {@code bench/run}: starts each build's packaged handler in a fresh JVM under the
 * real runtime interface client ({@link FunctionProcess}: Lambda's JVM flags and environment), pinned to one CPU,
 * against the local Kinesis Video endpoint over HTTPS (a throwaway certificate in a copy of the JDK's trust store,
 * so every run pays for TLS as a real cold start does), and measures the start, the first invocation and the warm
 * ones. Rounds interleave the builds (floor, naive, the function, and with {@code --baseline} the function at
 * another commit) in rotated order, so drift on a noisy machine hits all of them alike. With {@code --soak},
 * {@link Soak} runs instead, and with {@code --batch}, {@link BatchBench}.
 *
 * <p>Not a test: run it with {@code bench/run}; see {@code docs/PERFORMANCE.md} for what each number means.
 */
public final class ColdStartBenchmark {

    static final Duration INIT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(30);
    static final String EVENT = "events/http-api.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final Tls tls;
    private final LocalKinesisVideo kinesisVideo;
    private final byte[] event;
    private final String channelArn;
    private final long clockTicks;
    private final Path runsDir;
    private final PrintStream progress;
    private final Map<String, Path> trustStores;

    private ColdStartBenchmark(Options options, Tls tls, LocalKinesisVideo kinesisVideo, byte[] event,
                               long clockTicks, Path runsDir, PrintStream progress, List<Build> builds)
            throws IOException {
        this.options = options;
        this.tls = tls;
        this.kinesisVideo = kinesisVideo;
        this.event = event;
        this.channelArn = JSON.readTree(JSON.readTree(event).path("body").asText()).path("channelArn").asText();
        this.clockTicks = clockTicks;
        this.runsDir = runsDir;
        this.progress = progress;
        this.trustStores = trustStores(tls, builds);
    }

    /**
     * Per build of the function, a copy of its bundled trust store with the loopback certificate added: what its
     * {@code JOIN_TRUST_STORE} names, so it trusts the local endpoint as it trusts AWS. A baseline from before the
     * bundled store has none, and trusts the JVM's store (the copy with the loopback certificate) instead.
     */
    static Map<String, Path> trustStores(Tls tls, List<Build> builds) throws IOException {
        Map<String, Path> stores = new LinkedHashMap<>();
        for (Build build : builds) {
            Path roots = build.projectDir().resolve(Build.AMAZON_ROOTS);
            if (build.name().equals(Build.FUNCTION) || (build.isFunction() && Files.isRegularFile(roots))) {
                // withRoots always writes the same file: each build gets its own copy of the result.
                Path store = tls.withRoots(roots);
                Path own = store.resolveSibling(build.name() + "-" + store.getFileName());
                stores.put(build.name(), Files.copy(store, own, StandardCopyOption.REPLACE_EXISTING));
            }
        }
        return stores;
    }

    /** The environment a build's runs get on top of Lambda's: its trust store and the command line's settings. */
    static Map<String, String> environment(Build build, Options options, Map<String, Path> trustStores) {
        Map<String, String> env = new LinkedHashMap<>();
        Path store = trustStores.get(build.name());
        if (store != null) {
            env.put("JOIN_TRUST_STORE", store.toString());
        }
        switch (build.name()) {
            case Build.FUNCTION -> env.putAll(options.functionEnv());
            case Build.BASELINE -> env.putAll(options.baselineEnv());
            default -> {
            }
        }
        return env;
    }

    /**
     * A process of {@code build} against the Kinesis Video endpoint at {@code kinesisVideoEndpoint}, as every run of
     * the benchmarks starts: Lambda's flags and environment, the JVM trust store with the loopback certificate, the
     * build's own trust store (the function trusts its bundled Amazon roots, not the JVM's store: the same roots plus
     * the loopback) and the command line's settings, pinned to {@code --cpu}.
     */
    static FunctionProcess.Builder processBuilder(Build build, URI kinesisVideoEndpoint, Options options, Tls tls,
                                                  Map<String, Path> trustStores) {
        FunctionProcess.Builder builder = FunctionProcess.builder()
                .projectDir(build.projectDir())
                .initType(options.primed() ? FunctionProcess.InitType.SNAP_START : FunctionProcess.InitType.ON_DEMAND)
                .kinesisVideoEndpoint(kinesisVideoEndpoint)
                .jvmFlags(tls.trustStoreFlags().toArray(String[]::new));
        environment(build, options, trustStores).forEach(builder::environment);
        if (options.cpu() >= 0) {
            builder.commandPrefix("taskset", "-c", Integer.toString(options.cpu()));
        }
        return builder;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        System.exit(options.soak() != null ? Soak.run(options, System.out, System.err)
                : options.batch() != null ? BatchBench.run(options, System.out, System.err)
                : run(options, System.out, System.err));
    }

    /** Runs the whole session; returns the exit status. */
    static int run(Options options, PrintStream out, PrintStream progress) throws Exception {
        Path outDir = options.root().resolve("bench/out");
        List<Build> all = Build.all(options.root(), options.baseline() == null ? null : options.baseline().dir());
        checkSameLambdaSettings(all, progress);
        List<Build> builds = new ArrayList<>();
        Map<String, Build.Artifact> artifacts = new LinkedHashMap<>();
        for (Build build : all) {
            artifacts.put(build.name(), build.artifact());
            builds.add(build.snapshot(outDir.resolve("artifacts")));
        }
        Path runsDir = outDir.resolve("runs");
        clear(runsDir);
        Files.createDirectories(runsDir);
        byte[] event = Files.readAllBytes(options.root().resolve(EVENT));
        Tls tls = Tls.create(outDir.resolve("tls"));
        List<RunResult> results = new ArrayList<>();
        try (LocalKinesisVideo kinesisVideo = LocalKinesisVideo.startHttps(tls.serverContext())) {
            ColdStartBenchmark bench = new ColdStartBenchmark(options, tls, kinesisVideo, event,
                    ProcessProbe.clockTicksPerSecond(), runsDir, progress, builds);
            progress.printf("bench: %s mode, %d rounds x %d builds, %d warm invocations per run, function CPU %s,"
                            + " JDK %s%s%n", options.primed() ? "primed (SnapStart)" : "on-demand", options.rounds(),
                    builds.size(), options.warm(), options.cpu() < 0 ? "not pinned" : Integer.toString(options.cpu()),
                    System.getProperty("java.version"), options.baseline() == null ? ""
                            : ", baseline " + options.baseline().ref() + " (" + shortCommit(options.baseline()) + ")");
            for (Build build : builds) {
                RunResult warmUp = bench.runOnce(build, 0, 0, 0);
                progress.printf("warm-up (not counted) %-8s %s%n", build.name(), brief(warmUp));
            }
            for (int round = 1; round <= options.rounds(); round++) {
                for (int position = 0; position < builds.size(); position++) {
                    Build build = builds.get((position + round - 1) % builds.size());
                    RunResult result = bench.runOnce(build, round, position, options.warm());
                    results.add(result);
                    progress.printf("round %d/%d  %-8s %s%n", round, options.rounds(), build.name(), brief(result));
                }
            }
        } catch (RunFailed e) {
            progress.println("bench: " + e.getMessage());
            return 1;
        }
        Map<String, List<ClassLoadLog.Loaded>> classes = new LinkedHashMap<>();
        Map<String, RunResult> lastRuns = new LinkedHashMap<>();
        for (Build build : options.classLog() ? builds : List.<Build>of()) {
            RunResult last = results.stream().filter(r -> r.build().equals(build.name()))
                    .max(Comparator.comparingInt(RunResult::round)).orElseThrow();
            lastRuns.put(build.name(), last);
            classes.put(build.name(), new ClassLoadLog(classLog(runsDir, last.round(), build.name())).read());
        }
        Report report = new Report(options, results, artifacts, classes, lastRuns);
        out.print(report.table());
        out.print(report.classBreakdown(Build.FUNCTION, 15));
        out.print(report.classDifferences(15));
        Reports.writeJson(options, report.json());
        progress.println("bench: results in " + options.root().relativize(options.out())
                + "; chart: python3 bench/chart.py " + options.root().relativize(options.out())
                + "; class-load logs of every run in " + options.root().relativize(runsDir));
        return 0;
    }

    /** One fresh JVM: init, the first invocation, {@code warm} more; readings at init end and first response. */
    RunResult runOnce(Build build, int round, int position, int warm) throws Exception {
        ClassLoadLog classLog = new ClassLoadLog(classLog(runsDir, round, build.name()));
        Files.deleteIfExists(classLog.file());
        kinesisVideo.reset();
        kinesisVideo.addChannel(channelArn);
        FunctionProcess.Builder builder = processBuilder(build, kinesisVideo.controlEndpoint(), options, tls,
                trustStores);
        if (options.classLog()) {
            builder.jvmFlags(classLog.jvmFlag());
        }
        try (FunctionProcess function = builder.start()) {
            ProcessProbe probe = new ProcessProbe(function.pid(), clockTicks);
            function.awaitReady(INIT_TIMEOUT);
            long initDone = function.runtimeApi().initDoneNanos().orElseThrow();
            // The runtime is blocked on GET /next until the event is queued: these readings are exact.
            double cpuAtInitEnd = probe.cpuMillis();
            int classesAtInitEnd = options.classLog() ? classLog.count() : -1;

            Invocation first = answered(build, function, "first");
            // Settled: the runtime has answered and asked for the next event, so it is blocked again.
            double cpuAtFirstResponse = probe.cpuMillis();
            long peakRss = probe.peakRssKib();
            int classesAtFirstResponse = options.classLog() ? classLog.count() : -1;

            double[] warmMs = new double[warm];
            for (int i = 0; i < warm; i++) {
                warmMs[i] = answered(build, function, "warm #" + (i + 1)).duration().toNanos() / 1e6;
            }
            List<String> violations = new ArrayList<>(function.violations());
            kinesisVideo.violations().forEach(v -> violations.add("Kinesis Video: " + v));
            if (!violations.isEmpty()) {
                throw new RunFailed(build.name() + ": the run broke a protocol: " + violations);
            }
            Map<String, Integer> calls = new TreeMap<>();
            for (Recorded request : kinesisVideo.requests()) {
                calls.merge(request.operation().name(), 1, Integer::sum);
            }
            if (build.callsKinesisVideo() && calls.isEmpty()) {
                throw new RunFailed(build.name() + ": answered without calling the local Kinesis Video endpoint");
            }
            long started = function.startedNanos();
            double initMs = (initDone - started) / 1e6;
            double firstMs = first.duration().toNanos() / 1e6;
            double restoreMs = function.runtimeApi().restoredNanos().map(n -> (n - started) / 1e6).orElse(Double.NaN);
            return new RunResult(build.name(), round, position, initMs + firstMs, initMs, restoreMs, firstMs,
                    (first.deliveredNanos() - initDone) / 1e6, cpuAtInitEnd, cpuAtFirstResponse, classesAtInitEnd,
                    classesAtFirstResponse, peakRss, warm, Summary.percentile(warmMs, 50),
                    Summary.percentile(warmMs, 99), Summary.percentile(warmMs, 100), calls);
        } catch (IllegalStateException e) {
            throw new RunFailed(build.name() + " (round " + round + "): " + e.getMessage());
        }
    }

    /** Invokes once and insists on an API Gateway proxy response with status 200. */
    private Invocation answered(Build build, FunctionProcess function, String which) throws IOException {
        Invocation invocation = function.invoke(event, INVOKE_TIMEOUT).invocation();
        if (!(invocation.answer() instanceof Invocation.Response response)) {
            throw new RunFailed(build.name() + ": the " + which + " invocation did not return normally: "
                    + invocation.answer());
        }
        JsonNode body = JSON.readTree(response.body());
        if (body.path("statusCode").asInt() != 200) {
            throw new RunFailed(build.name() + ": the " + which + " invocation answered status "
                    + body.path("statusCode") + ", not 200: " + abbreviate(response.body()));
        }
        return invocation;
    }

    /**
     * The floor and naive builds must start with the function's Lambda settings (runtime, architecture, memory,
     * log format): they decide the JVM flags and the runtime's behaviour, so a difference would skew the ratios.
     * The baseline may differ (a change of settings is part of what it is compared for): it runs with its own
     * template's settings, and a note says so.
     */
    static void checkSameLambdaSettings(List<Build> builds, PrintStream progress) {
        FunctionTemplate reference = FunctionTemplate.read(builds.getLast().projectDir().resolve("template.yaml"));
        for (Build build : builds) {
            FunctionTemplate t = FunctionTemplate.read(build.projectDir().resolve("template.yaml"));
            List<String> differences = lambdaSettingDifferences(t, reference);
            if (differences.isEmpty()) {
                continue;
            }
            if (build.name().equals(Build.BASELINE)) {
                progress.println("bench: note: the baseline's template.yaml differs in " + differences
                        + "; its runs use its own settings");
                continue;
            }
            throw new IllegalStateException(build.projectDir().resolve("template.yaml")
                    + ": must match the function's template.yaml; differs in " + differences);
        }
    }

    private static List<String> lambdaSettingDifferences(FunctionTemplate t, FunctionTemplate reference) {
        List<String> differences = new ArrayList<>();
        if (!t.runtime().equals(reference.runtime())) {
            differences.add("Runtime " + t.runtime() + " (function: " + reference.runtime() + ")");
        }
        if (!t.architecture().equals(reference.architecture())) {
            differences.add("Architectures " + t.architecture() + " (function: " + reference.architecture() + ")");
        }
        if (t.memoryMb() != reference.memoryMb()) {
            differences.add("MemorySize " + t.memoryMb() + " (function: " + reference.memoryMb() + ")");
        }
        if (!t.logFormat().equalsIgnoreCase(reference.logFormat())) {
            differences.add("LoggingConfig.LogFormat " + t.logFormat() + " (function: " + reference.logFormat()
                    + ")");
        }
        return differences;
    }

    /** The baseline's commit, abbreviated as git does by default, or its ref when no commit was given. */
    static String shortCommit(Options.Baseline baseline) {
        return baseline.commit().length() > 7 ? baseline.commit().substring(0, 7)
                : baseline.commit().isEmpty() ? baseline.ref() : baseline.commit();
    }

    static Path classLog(Path runsDir, int round, String build) {
        return runsDir.resolve(String.format("round-%02d-%s.classes.log", round, build));
    }

    private static String brief(RunResult r) {
        return String.format("cold %7.1f ms (init %7.1f + first %6.1f)  cpu %6.0f ms  classes %5d + %4d"
                        + "  rss %5.1f MiB  warm p50 %6.2f ms  p99 %6.2f ms",
                r.coldStartMs(), r.initMs(), r.firstInvocationMs(), r.cpuAtFirstResponseMs(), r.classesAtInitEnd(),
                r.classesDuringFirstInvocation(), r.peakRssKibAtFirstResponse() / 1024.0, r.warmP50Ms(),
                r.warmP99Ms());
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " characters)";
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".classes.log")).toList()) {
                Files.delete(file);
            }
        }
    }

    /** A run that cannot be measured: the session stops, since its numbers would compare unlike things. */
    static final class RunFailed extends RuntimeException {
        RunFailed(String message) {
            super(message, null, false, false);
        }
    }
}
