package dev.kvsjoin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.bench.BatchPlan.Join;
import dev.kvsjoin.bench.ColdStartBenchmark.RunFailed;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.testing.Invocation;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.Recorded;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The batch comparison behind {@code bench/run --batch}: the same joins made by one fresh process of the function as
 * single invocations, one join each, and by another as batch invocations ({@code {"joins": [...]}}, direct invokes
 * as the fleet's item processor sends them), each under the real runtime interface client and against its own local
 * Kinesis Video endpoint over HTTPS ({@link MeasuredProcess}), as {@link Soak} runs its processes. With
 * {@code --baseline}, the baseline's two processes join in too.
 *
 * <p>The processes take turns, one batch's worth of joins each (as many single invocations, or one batch), all
 * pinned to the same CPU: whatever else the machine does hits them alike. The order stays the same every turn, so a
 * process is idle for one turn of each other process between its own: alternating it would leave one idle for two
 * batch turns in a row, long enough for the JDK HTTP client's keep-alive (5 s) to close its connections, and the
 * reopened connections would be the harness's doing, not the mode's. Each
 * process is read at init end, after its first turn and at the end, while the runtime is blocked on
 * {@code GET /next}. Every answer is checked (each join answered as joined, for the join asked), and so is every
 * endpoint: it must have seen each join exactly once.
 */
final class BatchBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a process is invoked. */
    enum Mode {
        SINGLE, BATCH;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Readings of one process and its endpoint: CPU in milliseconds, memory in kibibytes, the endpoint's counts since
     * the process started.
     *
     * @param accepted connections the endpoint accepted (each a TLS handshake)
     */
    record Reading(double cpuMs, long peakRssKib, int threads, int lookups, int joinRequests, int accepted) {
    }

    /**
     * One turn of a process: its time at the driver, from handing out its first event to receiving its last answer,
     * and the process's CPU time and the connections its endpoint accepted, both since it started, at the turn's end.
     */
    record Turn(double seconds, double cpuMs, int accepted) {
    }

    /**
     * What one process did.
     *
     * @param parallelism its {@code BATCH_PARALLELISM}, as the function reads its environment
     * @param joinsPerSecond its {@code BATCH_JOINS_PER_SECOND}
     * @param invocationMs every invocation's time, event handed out to answer received, at the Runtime API
     * @param turns every turn, in order
     * @param firstTurnJoins joins in the first turn (readings are taken after it)
     * @param joined joins answered as joined, for the join asked
     * @param problems answers that were not, by kind
     * @param endpointProblems what the endpoint saw that it should not have (a join missing, repeated, or unasked)
     */
    record Result(String build, Mode mode, int parallelism, int joinsPerSecond, double[] invocationMs,
                  List<Turn> turns, int firstTurnJoins, Reading atInitEnd, Reading afterFirstTurn,
                  Reading atEnd, int joined, Map<String, Integer> problems, List<String> endpointProblems) {

        String name() {
            return build + " " + mode.label();
        }

        double wallSeconds() {
            return turns.stream().mapToDouble(Turn::seconds).sum();
        }

        boolean allChecked(int joins) {
            return joined == joins && problems.isEmpty() && endpointProblems.isEmpty();
        }
    }

    /** One process and what has been measured so far. */
    private static final class Subject {
        final MeasuredProcess process;
        final Mode mode;
        final List<Double> invocationMs = new ArrayList<>();
        final List<Turn> turns = new ArrayList<>();
        final Map<String, Integer> problems = new TreeMap<>();
        Settings settings;
        Reading atInitEnd;
        Reading afterFirstTurn;
        int joined;
        int joinsMade;

        Subject(MeasuredProcess process, Mode mode) {
            this.process = process;
            this.mode = mode;
        }

        String name() {
            return process.name();
        }

        Reading read() throws IOException {
            ProcessProbe.Status status = process.probe().status();
            MeasuredProcess.Calls calls = process.calls();
            return new Reading(process.probe().cpuMillis(), status.peakRssKib(), status.threads(), calls.lookups(),
                    calls.joins(), process.accepted());
        }

        void problem(String kind) {
            problems.merge(kind, 1, Integer::sum);
        }

        Result result(Reading atEnd, int firstTurnJoins, List<String> endpointProblems) {
            return new Result(process.build().name(), mode, settings.batchParallelism(),
                    settings.batchJoinsPerSecond(), invocationMs.stream().mapToDouble(Double::doubleValue).toArray(),
                    List.copyOf(turns), firstTurnJoins, atInitEnd, afterFirstTurn, atEnd, joined, Map.copyOf(problems),
                    endpointProblems);
        }
    }

    private BatchBench() {
    }

    /** Runs the comparison; returns the exit status (1 when a run failed or a check did not pass). */
    static int run(Options options, PrintStream out, PrintStream progress) throws Exception {
        Options.Batch batch = options.batch();
        MeasuredProcess.Session session = MeasuredProcess.Session.prepare(options, progress);
        BatchPlan plan = BatchPlan.of(batch);
        List<List<Join>> turns = plan.turns();

        List<Subject> subjects = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        try {
            for (Build build : session.builds()) {
                for (Mode mode : Mode.values()) {
                    subjects.add(new Subject(session.open(build, build.name() + " " + mode.label(), plan.channels()),
                            mode));
                }
            }
            progress.printf("bench: batch comparison, %s mode: %d processes, %,d joins each over %d channels in %s"
                            + " (%s layout), %d per turn: as many single invocations, or one batch; function CPU"
                            + " %s, JDK %s%s%n", options.primed() ? "primed (SnapStart)" : "on-demand",
                    subjects.size(), plan.joins().size(), BatchPlan.distinctChannels(plan.joins()),
                    String.join(", ", batch.regions()), batch.layout().name().toLowerCase(Locale.ROOT),
                    batch.batchSize(), options.cpu() < 0 ? "not pinned" : Integer.toString(options.cpu()),
                    System.getProperty("java.version"), Reports.baselineNote(options));
            for (Subject subject : subjects) {
                subject.process.start();
                subject.settings = Settings.from(subject.process.function().environment());
                subject.atInitEnd = subject.read();
            }
            for (Subject subject : subjects) {
                if (subject.mode == Mode.BATCH) {
                    progress.println(pacingLine(subject.name(), plan, subject.settings.batchParallelism(),
                            subject.settings.batchJoinsPerSecond()));
                }
            }
            int every = Math.max(1, turns.size() / 10);
            for (int t = 0; t < turns.size(); t++) {
                for (Subject subject : subjects) {
                    turn(subject, turns.get(t), t);
                    if (t == 0) {
                        subject.afterFirstTurn = subject.read();
                    }
                }
                if ((t + 1) % every == 0 || t + 1 == turns.size()) {
                    for (Subject subject : subjects) {
                        progress.println(progressLine(subject, t + 1, turns.size()));
                    }
                }
            }
            for (Subject subject : subjects) {
                subject.process.checkProtocolsKept();
                results.add(subject.result(subject.read(), turns.getFirst().size(),
                        endpointProblems(plan.joins(), joinsSeen(subject.process.kinesisVideo().requests()))));
            }
        } catch (RunFailed e) {
            progress.println("bench: " + e.getMessage());
            return 1;
        } finally {
            subjects.forEach(subject -> subject.process.close());
        }

        BatchReport report = new BatchReport(options, plan, results);
        out.print(report.table());
        Reports.writeJson(options, report.json());
        progress.println("bench: results in " + options.root().relativize(options.out()));
        boolean allChecked = results.stream().allMatch(r -> r.allChecked(plan.joins().size()));
        if (!allChecked) {
            progress.println("bench: some joins were not answered as joined, or not seen exactly once by the"
                    + " endpoint: see below the table");
        }
        return allChecked ? 0 : 1;
    }

    /** One turn: the joins as single invocations one after the other, or as one batch. */
    private static void turn(Subject subject, List<Join> joins, int t) throws IOException {
        long started = System.nanoTime();
        switch (subject.mode) {
            case SINGLE -> {
                for (int i = 0; i < joins.size(); i++) {
                    Invocation invocation = invoke(subject, singleEvent(joins.get(i)),
                            "turn " + (t + 1) + ", join " + (i + 1));
                    checkSingle(subject, joins.get(i), invocation.answer());
                }
            }
            case BATCH -> checkBatch(subject, joins, invoke(subject, batchEvent(joins), "turn " + (t + 1)).answer());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        subject.turns.add(new Turn(seconds, subject.process.probe().cpuMillis(), subject.process.accepted()));
        subject.joinsMade += joins.size();
    }

    private static Invocation invoke(Subject subject, byte[] event, String which) {
        Invocation invocation = subject.process.invoke(event, which);
        subject.invocationMs.add(invocation.duration().toNanos() / 1e6);
        return invocation;
    }

    /** A direct invoke's request: {@code {"channelArn": ..., "clientId": ...}}. */
    static byte[] singleEvent(Join join) throws IOException {
        return JSON.writeValueAsBytes(item(join));
    }

    /** A batch request: {@code {"joins": [{"channelArn": ..., "clientId": ...}, ...]}}. */
    static byte[] batchEvent(List<Join> joins) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode items = event.putArray("joins");
        joins.forEach(join -> items.add(item(join)));
        return JSON.writeValueAsBytes(event);
    }

    private static ObjectNode item(Join join) {
        return JSON.createObjectNode().put("channelArn", join.channelArn()).put("clientId", join.clientId());
    }

    /** A single join's answer: the result naming the join asked and an endpoint, or a problem by kind. */
    private static void checkSingle(Subject subject, Join join, Invocation.Answer answer) {
        String problem = singleProblem(join, answer);
        if (problem == null) {
            subject.joined++;
        } else {
            subject.problem(problem);
        }
    }

    /** What is wrong with a single join's answer, or {@code null} when it says the join asked was joined. */
    static String singleProblem(Join join, Invocation.Answer answer) {
        return switch (answer) {
            case Invocation.Response response -> {
                JsonNode result = readTree(response.body());
                if (result == null) {
                    yield "response that is not JSON";
                }
                if (!result.path("channelArn").asText().equals(join.channelArn())
                        || !result.path("clientId").asText().equals(join.clientId())) {
                    yield "response for another join";
                }
                yield result.path("endpoint").isTextual() ? null : "response without an endpoint";
            }
            case Invocation.Error error -> "error " + errorType(error);
            case Invocation.Abandoned abandoned -> "no answer";
        };
    }

    /** A batch's answer: its items joined, and whatever is wrong with it. */
    private static void checkBatch(Subject subject, List<Join> joins, Invocation.Answer answer) {
        BatchCheck check = checkBatch(joins, answer);
        subject.joined += check.joined();
        check.problems().forEach(subject::problem);
    }

    /**
     * A batch answer checked against its joins.
     *
     * @param joined the items answered as joined, for the join asked at that position, with an endpoint; none when
     *               the answer is wrong as a whole
     * @param problems one entry per item not joined ({@code item failed Throttled}), or one for an answer wrong as a
     *                 whole (an error, no result, items missing, out of order or for other joins), plus one when the
     *                 counts do not match the items
     */
    record BatchCheck(int joined, List<String> problems) {
    }

    static BatchCheck checkBatch(List<Join> joins, Invocation.Answer answer) {
        JsonNode result;
        switch (answer) {
            case Invocation.Response response -> result = readTree(response.body());
            case Invocation.Error error -> {
                return new BatchCheck(0, List.of("batch error " + errorType(error)));
            }
            case Invocation.Abandoned abandoned -> {
                return new BatchCheck(0, List.of("batch without an answer"));
            }
        }
        if (result == null) {
            return new BatchCheck(0, List.of("batch response that is not JSON"));
        }
        JsonNode items = result.path("joins");
        if (!items.isArray() || items.size() != joins.size()) {
            return new BatchCheck(0, List.of("batch response without an item for each join"));
        }
        List<String> problems = new ArrayList<>();
        int joined = 0;
        for (int i = 0; i < joins.size(); i++) {
            JsonNode item = items.get(i);
            Join join = joins.get(i);
            if (item.path("index").asInt(-1) != i || !item.path("channelArn").asText().equals(join.channelArn())
                    || !item.path("clientId").asText().equals(join.clientId())) {
                return new BatchCheck(0, List.of("batch response with items out of order or for other joins"));
            }
            if (item.path("outcome").asText().equals("joined") && item.path("endpoint").isTextual()) {
                joined++;
            } else {
                problems.add("item " + item.path("outcome").asText() + " " + item.path("error").asText());
            }
        }
        if (result.path("joined").asInt(-1) != joined || result.path("failed").asInt(-1) != joins.size() - joined
                || result.path("counts").path("Joined").asInt(0) != joined) {
            problems.add("batch counts that do not match its items");
        }
        return new BatchCheck(joined, problems);
    }

    /** The error's name, as a direct invoke's caller reads it from the error document. */
    private static String errorType(Invocation.Error error) {
        JsonNode body = readTree(error.body());
        return body == null || !body.path("errorType").isTextual() ? error.runtimeErrorType()
                : body.path("errorType").asText();
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** The joins an endpoint was asked for, from the JoinStorageSessionAsViewer request bodies, with their counts. */
    static Map<Join, Integer> joinsSeen(List<Recorded> requests) {
        Map<Join, Integer> seen = new HashMap<>();
        for (Recorded request : requests) {
            if (request.operation() == Operation.JOIN_STORAGE_SESSION_AS_VIEWER) {
                JsonNode body = readTree(request.body());
                Join join = body == null ? new Join("", "")
                        : new Join(body.path("channelArn").asText(), body.path("clientId").asText());
                seen.merge(join, 1, Integer::sum);
            }
        }
        return seen;
    }

    /** Joins asked for but not seen, seen more than once, and seen but never asked for: counted, if any. */
    static List<String> endpointProblems(List<Join> asked, Map<Join, Integer> seen) {
        int missing = 0;
        int repeated = 0;
        for (Join join : asked) {
            int times = seen.getOrDefault(join, 0);
            missing += times == 0 ? 1 : 0;
            repeated += Math.max(0, times - 1);
        }
        Set<Join> askedSet = new HashSet<>(asked);
        long unasked = seen.keySet().stream().filter(join -> !askedSet.contains(join)).count();
        List<String> problems = new ArrayList<>();
        if (missing > 0) {
            problems.add(missing + " joins never reached the endpoint");
        }
        if (repeated > 0) {
            problems.add(repeated + " repeated join requests");
        }
        if (unasked > 0) {
            problems.add(unasked + " joins that were not asked for");
        }
        return problems;
    }

    private static String pacingLine(String name, BatchPlan plan, int parallelism, int joinsPerSecond) {
        double floor = plan.pacedFloorSeconds(parallelism, joinsPerSecond);
        return String.format(Locale.ROOT, "bench: %s: BATCH_PARALLELISM %d, BATCH_JOINS_PER_SECOND %d: the pacing"
                        + " alone takes %.2f s over its %d batches (%.1f joins a second at most)", name,
                parallelism, joinsPerSecond, floor, plan.turns().size(),
                floor == 0 ? Double.POSITIVE_INFINITY : plan.joins().size() / floor);
    }

    private static String progressLine(Subject subject, int turns, int total) {
        double wall = subject.turns.stream().mapToDouble(Turn::seconds).sum();
        return String.format(Locale.ROOT, "turn %3d/%d  %-16s %,6d invocations  wall %7.2f s  %7.1f joins/s"
                        + "  joined %,6d  problems %d", turns, total, subject.name(), subject.invocationMs.size(),
                wall, subject.joinsMade / wall, subject.joined, subject.problems.values().stream()
                        .mapToInt(Integer::intValue).sum());
    }
}
