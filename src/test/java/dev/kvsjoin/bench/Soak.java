package dev.kvsjoin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.bench.ColdStartBenchmark.RunFailed;
import dev.kvsjoin.testing.FunctionTemplate;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.LocalKinesisVideo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The soak behind {@code bench/run --soak}: one long-lived process of the function (and, with {@code --baseline},
 * one of the baseline beside it) under the real runtime interface client, as {@link ColdStartBenchmark} starts it,
 * driven with a first invocation and then thousands of warm ones over more channels, in more regions, than the
 * endpoint cache holds. Every answer must be a 200 proxy response; anything else is counted by kind. Readings of
 * the process (CPU, memory, threads, descriptors, connections) and of its own local Kinesis Video endpoint (lookups,
 * joins, connections accepted) are taken at fixed points while the runtime is blocked on {@code GET /next}, so the
 * first window of invocations can be compared with the last: drift, not warm-up, shows as a ratio.
 *
 * <p>The two processes take turns, one invocation each (the order swapped every time), pinned to the same CPU, so
 * whatever else the machine does hits both alike. Each has its own endpoint, so the counts are its own.
 */
final class Soak {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ACCOUNT = "123456789012";
    /** The first channel's creation time in its ARN; channel {@code i} gets this plus {@code i}. */
    static final long CREATED = 1_700_000_000_000L;

    /**
     * Readings of one process after {@code invocations} warm invocations (0: right after the first invocation):
     * CPU in milliseconds, memory in kibibytes, the local endpoint's counts since the process started.
     *
     * @param connections the process's established TCP connections, to the runtime API and Kinesis Video alike
     * @param kinesisVideoConnections of which to its local Kinesis Video endpoint (control and WEBRTC listeners)
     * @param accepted connections the local Kinesis Video endpoint accepted (each a TLS handshake)
     */
    record Sample(int invocations, double cpuMs, long rssKib, long peakRssKib, int threads, int openFiles,
                  int connections, int kinesisVideoConnections, int lookups, int joins, int accepted) {
    }

    /** What one process did over the soak. */
    record Result(String build, String cacheSize, double firstInvocationMs, double[] latenciesMs, int ok,
                  Map<String, Integer> otherAnswers, List<Sample> samples) {

        Sample sample(int invocations) {
            return samples.stream().filter(s -> s.invocations() == invocations).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no reading after " + invocations + " invocations"));
        }

        int answered() {
            return ok + otherAnswers.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** One build's process and what has been measured so far. */
    private static final class Subject {
        final MeasuredProcess process;
        final double[] latenciesMs;
        final Map<String, Integer> otherAnswers = new TreeMap<>();
        final List<Sample> samples = new ArrayList<>();
        double firstInvocationMs;
        int ok;

        Subject(MeasuredProcess process, int invocations) {
            this.process = process;
            this.latenciesMs = new double[invocations];
        }

        Sample sample(int invocations) throws IOException {
            ProcessProbe probe = process.probe();
            ProcessProbe.Status status = probe.status();
            Map<Integer, Integer> connections = probe.establishedByRemotePort();
            LocalKinesisVideo kinesisVideo = process.kinesisVideo();
            int toKinesisVideo = connections.getOrDefault(kinesisVideo.controlEndpoint().getPort(), 0)
                    + connections.getOrDefault(kinesisVideo.webrtcEndpoint().getPort(), 0);
            MeasuredProcess.Calls calls = process.calls();
            Sample sample = new Sample(invocations, probe.cpuMillis(), status.rssKib(), status.peakRssKib(),
                    status.threads(), probe.openFiles(), connections.values().stream().mapToInt(Integer::intValue)
                    .sum(), toKinesisVideo, calls.lookups(), calls.joins(), process.accepted());
            samples.add(sample);
            return sample;
        }

        Result result(String cacheSize) {
            return new Result(process.name(), cacheSize, firstInvocationMs, latenciesMs, ok, Map.copyOf(otherAnswers),
                    List.copyOf(samples));
        }
    }

    private Soak() {
    }

    /** Runs the soak; returns the exit status (1 when a run failed or an answer was not a 200). */
    static int run(Options options, PrintStream out, PrintStream progress) throws Exception {
        Options.Soak soak = options.soak();
        MeasuredProcess.Session session = MeasuredProcess.Session.prepare(options, progress);
        List<String> channels = channels(soak.channels(), soak.regions());
        byte[] template = Files.readAllBytes(options.root().resolve(ColdStartBenchmark.EVENT));
        // Client ids of the sample's IAM caller, as the default client id binding requires.
        String owner = JSON.readTree(template).path("requestContext").path("authorizer").path("iam").path("userId")
                .asText();
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            events.add(event(template, channels.get(i), String.format(Locale.ROOT, "%s.soak-viewer-%03d", owner, i)));
        }
        int[] sequence = sequence(soak);
        NavigableSet<Integer> readings = readingPoints(soak.invocations(), soak.window());
        Map<String, String> cacheSizes = new TreeMap<>();
        for (Build build : session.builds()) {
            cacheSizes.put(build.name(), cacheSize(build, options, session.trustStores()));
            noteSmallSoak(build, cacheSizes.get(build.name()), soak, progress);
        }

        List<Subject> subjects = new ArrayList<>();
        long started;
        long finished;
        try {
            for (Build build : session.builds()) {
                subjects.add(new Subject(session.open(build, build.name(), channels), soak.invocations()));
            }
            progress.printf("bench: soak, %s mode: %d builds, 1 + %,d invocations each over %d channels in %s,"
                            + " %s order, windows of %,d, function CPU %s, JDK %s%s%n",
                    options.primed() ? "primed (SnapStart)" : "on-demand", session.builds().size(), soak.invocations(),
                    soak.channels(), String.join(", ", soak.regions()), soak.order().name().toLowerCase(Locale.ROOT),
                    soak.window(), options.cpu() < 0 ? "not pinned" : Integer.toString(options.cpu()),
                    System.getProperty("java.version"), Reports.baselineNote(options));
            for (Subject subject : subjects) {
                subject.process.start();
            }
            started = System.nanoTime();
            for (Subject subject : subjects) {
                subject.firstInvocationMs = invoke(subject, events.get(sequence[0]), "the first invocation");
                subject.sample(0);
            }
            for (int i = 1; i <= soak.invocations(); i++) {
                List<Subject> turn = i % 2 == 0 ? subjects : subjects.reversed();
                for (Subject subject : turn) {
                    subject.latenciesMs[i - 1] = invoke(subject, events.get(sequence[i]), "invocation " + i);
                }
                if (readings.contains(i)) {
                    int from = readings.lower(i);
                    for (Subject subject : subjects) {
                        progress.println(progressLine(subject, subject.sample(i), from, i, soak.invocations()));
                    }
                }
            }
            finished = System.nanoTime();
            for (Subject subject : subjects) {
                subject.process.checkProtocolsKept();
            }
        } catch (RunFailed e) {
            progress.println("bench: " + e.getMessage());
            return 1;
        } finally {
            subjects.forEach(subject -> subject.process.close());
        }

        List<Result> results = subjects.stream().map(s -> s.result(cacheSizes.get(s.process.name()))).toList();
        SoakReport report = new SoakReport(options, results, (finished - started) / 1e9);
        out.print(report.table());
        Reports.writeJson(options, report.json());
        progress.println("bench: results in " + options.root().relativize(options.out()));
        boolean allOk = results.stream().allMatch(r -> r.otherAnswers().isEmpty());
        if (!allOk) {
            progress.println("bench: some answers were not 200: see the table");
        }
        return allOk ? 0 : 1;
    }

    /** One invocation, its answer counted; returns its duration in milliseconds. */
    private static double invoke(Subject subject, byte[] event, String which) {
        Invocation invocation = subject.process.invoke(event, which);
        if (invocation.answer() instanceof Invocation.Error error) {
            subject.otherAnswers.merge("error " + error.runtimeErrorType(), 1, Integer::sum);
        } else {
            int status = statusCode(invocation.responseBody());
            if (status == 200) {
                subject.ok++;
            } else {
                subject.otherAnswers.merge(status < 0 ? "response without a statusCode" : "status " + status, 1,
                        Integer::sum);
            }
        }
        return invocation.duration().toNanos() / 1e6;
    }

    private static int statusCode(String body) {
        try {
            return JSON.readTree(body).path("statusCode").asInt(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code count} channel ARNs, their regions taken from {@code regions} in turn. */
    static List<String> channels(int count, List<String> regions) {
        return channels("soak", count, regions);
    }

    /** {@code count} channel ARNs named {@code prefix-000} and on, their regions taken from {@code regions} in turn. */
    static List<String> channels(String prefix, int count, List<String> regions) {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            arns.add(String.format(Locale.ROOT, "arn:aws:kinesisvideo:%s:%s:channel/%s-%03d/%d",
                    regions.get(i % regions.size()), ACCOUNT, prefix, i, CREATED + i));
        }
        return arns;
    }

    /** The API Gateway event with its body naming {@code channelArn} and {@code clientId}. */
    static byte[] event(byte[] template, String channelArn, String clientId) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(template);
        ObjectNode body = JSON.createObjectNode().put("channelArn", channelArn).put("clientId", clientId);
        String text = JSON.writeValueAsString(body);
        event.put("body", text);
        JsonNode headers = event.path("headers");
        if (headers instanceof ObjectNode h && h.has("content-length")) {
            h.put("content-length", Integer.toString(text.getBytes(StandardCharsets.UTF_8).length));
        }
        return JSON.writeValueAsBytes(event);
    }

    /** The channel of each invocation, the first one's at index 0: at random from the seed, or in turn. */
    static int[] sequence(Options.Soak soak) {
        int[] sequence = new int[soak.invocations() + 1];
        Random random = new Random(soak.seed());
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = switch (soak.order()) {
                case RANDOM -> random.nextInt(soak.channels());
                case CYCLE -> i % soak.channels();
            };
        }
        return sequence;
    }

    /**
     * After how many warm invocations the processes are read: after the first invocation (0), at both ends of the
     * first and last windows, and every twentieth of the soak for the series in the JSON.
     */
    static NavigableSet<Integer> readingPoints(int invocations, int window) {
        NavigableSet<Integer> points = new TreeSet<>(List.of(0, window, invocations - window, invocations));
        int step = Math.max(1, invocations / 20);
        for (int i = step; i < invocations; i += step) {
            points.add(i);
        }
        return points;
    }

    /** The endpoint cache's size the build runs with: the command line's, else its template's, else "default". */
    private static String cacheSize(Build build, Options options, Map<String, Path> trustStores) {
        String name = "ENDPOINT_CACHE_SIZE";
        String set = ColdStartBenchmark.environment(build, options, trustStores).get(name);
        if (set != null) {
            return set;
        }
        String declared = FunctionTemplate.read(build.projectDir().resolve("template.yaml")).environment().get(name);
        return declared != null ? declared : "default";
    }

    private static void noteSmallSoak(Build build, String cacheSize, Options.Soak soak, PrintStream progress) {
        if (cacheSize.matches("[0-9]+") && Integer.parseInt(cacheSize) >= soak.channels()) {
            progress.printf("bench: note: the %s's endpoint cache holds %s entries, not fewer than the %d channels:"
                    + " after warm-up every lookup hits%n", build.name(), cacheSize, soak.channels());
        }
    }

    private static String progressLine(Subject subject, Sample sample, int from, int to, int total) {
        double[] recent = Arrays.copyOfRange(subject.latenciesMs, from, to);
        return String.format(Locale.ROOT, "soak %,6d/%,d  %-8s p50 %6.2f ms  p99 %6.2f ms  rss %6.1f MiB  threads %3d"
                        + "  tcp %2d (kv %2d)  fds %4d  lookups %,6d / joins %,6d  accepted %,d",
                to, total, subject.process.name(), Summary.percentile(recent, 50), Summary.percentile(recent, 99),
                sample.rssKib() / 1024.0, sample.threads(), sample.connections(), sample.kinesisVideoConnections(),
                sample.openFiles(), sample.lookups(), sample.joins(), sample.accepted());
    }
}
