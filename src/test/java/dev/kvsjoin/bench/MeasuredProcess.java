package dev.kvsjoin.bench;

import dev.kvsjoin.bench.ColdStartBenchmark.RunFailed;
import dev.kvsjoin.testing.FunctionProcess;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Recorded;
import dev.kvsjoin.testing.Tls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One long-lived process of a function build, as the soak and the batch comparison run it: started as the cold-start
 * benchmark starts its runs ({@link ColdStartBenchmark#processBuilder}), against a local Kinesis Video endpoint of its
 * own over HTTPS whose {@link CountingTls} counts the connections it accepts, and read through {@code /proc} by a
 * {@link ProcessProbe}. A process that does not start, or an invocation that gets no answer, stops the session
 * ({@link RunFailed}).
 */
final class MeasuredProcess implements AutoCloseable {

    /**
     * What the processes of a session share: the function's builds (and with {@code --baseline} the baseline's)
     * snapshotted under {@code bench/out/artifacts} and checked for the same Lambda settings, the throwaway TLS files
     * under {@code bench/out/tls}, and each build's trust store.
     */
    record Session(Options options, List<Build> builds, Tls tls, Map<String, Path> trustStores, long clockTicks) {

        static Session prepare(Options options, PrintStream progress) throws IOException, InterruptedException {
            Path outDir = options.root().resolve("bench/out");
            List<Build> builds = new ArrayList<>();
            for (Build build : Build.functions(options.root(),
                    options.baseline() == null ? null : options.baseline().dir())) {
                builds.add(build.snapshot(outDir.resolve("artifacts")));
            }
            ColdStartBenchmark.checkSameLambdaSettings(builds, progress);
            Tls tls = Tls.create(outDir.resolve("tls"));
            return new Session(options, List.copyOf(builds), tls, ColdStartBenchmark.trustStores(tls, builds),
                    ProcessProbe.clockTicksPerSecond());
        }

        /** A process of {@code build}, not started yet; its endpoint is up and knows {@code channels}. */
        MeasuredProcess open(Build build, String name, List<String> channels) throws IOException {
            CountingTls counting = new CountingTls(tls.serverContext());
            LocalKinesisVideo kinesisVideo = LocalKinesisVideo.startHttps(counting.context());
            channels.forEach(kinesisVideo::addChannel);
            return new MeasuredProcess(this, build, name, counting, kinesisVideo);
        }
    }

    /** What the endpoint has been asked since the process started. */
    record Calls(int lookups, int joins) {
    }

    private final Session session;
    private final Build build;
    private final String name;
    private final CountingTls tls;
    private final LocalKinesisVideo kinesisVideo;
    private FunctionProcess function;
    private ProcessProbe probe;

    private MeasuredProcess(Session session, Build build, String name, CountingTls tls,
                            LocalKinesisVideo kinesisVideo) {
        this.session = session;
        this.build = build;
        this.name = name;
        this.tls = tls;
        this.kinesisVideo = kinesisVideo;
    }

    /** Starts the process and waits for its init phase to end; a process that does not get there stops the session. */
    void start() throws IOException {
        function = ColdStartBenchmark.processBuilder(build, kinesisVideo.controlEndpoint(), session.options(),
                session.tls(), session.trustStores()).start();
        probe = new ProcessProbe(function.pid(), session.clockTicks());
        try {
            function.awaitReady(ColdStartBenchmark.INIT_TIMEOUT);
        } catch (IllegalStateException e) {
            throw new RunFailed(name + ": " + e.getMessage());
        }
    }

    /** One invocation, answered with a response or an error; no answer at all stops the session. */
    Invocation invoke(byte[] event, String which) {
        Invocation invocation;
        try {
            invocation = function.invoke(event, ColdStartBenchmark.INVOKE_TIMEOUT).invocation();
        } catch (IllegalStateException e) {
            throw new RunFailed(name + ": " + which + ": " + e.getMessage());
        }
        if (invocation.answer() instanceof Invocation.Abandoned abandoned) {
            throw new RunFailed(name + ": " + which + " got no answer: " + abandoned.reason());
        }
        return invocation;
    }

    Calls calls() {
        int lookups = 0;
        int joins = 0;
        for (Recorded request : kinesisVideo.requests()) {
            switch (request.operation()) {
                case GET_SIGNALING_CHANNEL_ENDPOINT -> lookups++;
                case JOIN_STORAGE_SESSION_AS_VIEWER -> joins++;
            }
        }
        return new Calls(lookups, joins);
    }

    /** Connections the endpoint accepted so far (each a TLS handshake). */
    int accepted() {
        return tls.accepted();
    }

    /**
     * Stops the session when the process or its endpoint saw a protocol broken, or when the endpoint counted no
     * accepted connection (its counts could not be trusted then).
     */
    void checkProtocolsKept() {
        List<String> violations = new ArrayList<>(function.violations());
        kinesisVideo.violations().forEach(v -> violations.add("Kinesis Video: " + v));
        if (!violations.isEmpty()) {
            throw new RunFailed(name + ": the run broke a protocol: "
                    + violations.subList(0, Math.min(5, violations.size())) + " (" + violations.size() + " in all)");
        }
        if (tls.accepted() == 0) {
            throw new RunFailed(name + ": its endpoint counted no accepted connection, so the connection counts"
                    + " cannot be trusted");
        }
    }

    Build build() {
        return build;
    }

    /** The build's name, or what tells this process apart from the build's others. */
    String name() {
        return name;
    }

    FunctionProcess function() {
        return function;
    }

    ProcessProbe probe() {
        return probe;
    }

    LocalKinesisVideo kinesisVideo() {
        return kinesisVideo;
    }

    @Override
    public void close() {
        if (function != null) {
            function.close();
        }
        kinesisVideo.close();
    }
}
