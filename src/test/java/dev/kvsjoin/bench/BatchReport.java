package dev.kvsjoin.bench;

import dev.kvsjoin.bench.BatchBench.Mode;
import dev.kvsjoin.bench.BatchBench.Result;
import dev.kvsjoin.bench.Reports.Unit;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/**
 * The batch comparison's results: one row per metric, one column per process, the ratio batch/single per build and,
 * with a baseline, function/baseline per mode; below it, each process's checks and each batch process's pacing; and
 * the JSON document with every invocation's time.
 */
final class BatchReport {

    /** One row: its label, its key in the JSON document, its unit, its value for a process that made {@code N} joins. */
    private record Metric(String label, String key, Unit unit, ToDoubleBiFunction<Result, Integer> value) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("invocations", "invocations", Unit.COUNT, (r, n) -> r.invocationMs().length),
            new Metric("wall time (its turns), s", "wallSeconds", Unit.S, (r, n) -> r.wallSeconds()),
            new Metric("joins per second", "joinsPerSecond", Unit.PER_SECOND, (r, n) -> n / r.wallSeconds()),
            new Metric("  after the first turn", "joinsPerSecondAfterFirstTurn", Unit.PER_SECOND,
                    (r, n) -> (n - r.firstTurnJoins()) / (r.wallSeconds() - r.turns().getFirst().seconds())),
            new Metric("invocation time p50, ms", "invocationP50Ms", Unit.MS,
                    (r, n) -> Summary.percentile(r.invocationMs(), 50)),
            new Metric("invocation time p99, ms", "invocationP99Ms", Unit.MS,
                    (r, n) -> Summary.percentile(r.invocationMs(), 99)),
            new Metric("invocation time summed, billed, s", "billedSeconds", Unit.S,
                    (r, n) -> billedSeconds(r.invocationMs())),
            new Metric("JVM CPU per join, ms", "cpuPerJoinMs", Unit.MS,
                    (r, n) -> (r.atEnd().cpuMs() - r.atInitEnd().cpuMs()) / n),
            new Metric("  after the first turn, ms", "cpuPerJoinAfterFirstTurnMs", Unit.MS,
                    (r, n) -> n == r.firstTurnJoins() ? Double.NaN
                            : (r.atEnd().cpuMs() - r.afterFirstTurn().cpuMs()) / (n - r.firstTurnJoins())),
            new Metric("endpoint lookups", "lookups", Unit.COUNT, (r, n) -> r.atEnd().lookups()),
            new Metric("join requests at the endpoint", "joinRequests", Unit.COUNT, (r, n) -> r.atEnd().joinRequests()),
            new Metric("lookups per join", "lookupsPerJoin", Unit.RATE,
                    (r, n) -> r.atEnd().lookups() / (double) r.atEnd().joinRequests()),
            new Metric("connections the endpoint accepted", "acceptedConnections", Unit.COUNT,
                    (r, n) -> r.atEnd().accepted()),
            new Metric("peak RSS (VmHWM) at the end, MiB", "peakRssMib", Unit.MIB,
                    (r, n) -> r.atEnd().peakRssKib() / 1024.0),
            new Metric("threads at the end", "threads", Unit.COUNT, (r, n) -> r.atEnd().threads()));

    private final Options options;
    private final BatchPlan plan;
    private final List<Result> results;

    BatchReport(Options options, BatchPlan plan, List<Result> results) {
        this.options = options;
        this.plan = plan;
        this.results = List.copyOf(results);
    }

    /**
     * What Lambda bills for the invocations: each one's duration rounded up to the next millisecond, summed, in
     * seconds.
     */
    static double billedSeconds(double[] invocationMs) {
        long ms = 0;
        for (double each : invocationMs) {
            ms += (long) Math.ceil(each);
        }
        return ms / 1000.0;
    }

    private double value(Metric metric, Result result) {
        return metric.value().applyAsDouble(result, plan.joins().size());
    }

    private Result result(String build, Mode mode) {
        return results.stream().filter(r -> r.build().equals(build) && r.mode() == mode).findFirst().orElse(null);
    }

    private List<String> builds() {
        return results.stream().map(Result::build).distinct().toList();
    }

    /**
     * The ratios shown, as {@code name -> [top, bottom]}: {@code <build> batch/single} per build, then
     * {@code function/baseline <mode>} per mode with a baseline.
     */
    private Map<String, Result[]> ratios() {
        Map<String, Result[]> ratios = new LinkedHashMap<>();
        for (String build : builds()) {
            ratios.put(build + " batch/single",
                    new Result[] {result(build, Mode.BATCH), result(build, Mode.SINGLE)});
        }
        if (builds().contains(Build.BASELINE) && builds().contains(Build.FUNCTION)) {
            for (Mode mode : Mode.values()) {
                ratios.put("function/baseline " + mode.label(),
                        new Result[] {result(Build.FUNCTION, mode), result(Build.BASELINE, mode)});
            }
        }
        return ratios;
    }

    String table() {
        Options.Batch batch = options.batch();
        boolean one = builds().size() == 1;
        List<String> header = new ArrayList<>(List.of("metric"));
        results.forEach(r -> header.add(one ? r.mode().label() : r.name()));
        Map<String, Result[]> ratios = ratios();
        ratios.keySet().forEach(name -> header.add(one ? name.substring(name.indexOf(' ') + 1) : name));
        List<List<String>> rows = new ArrayList<>();
        for (Metric metric : METRICS) {
            List<String> row = new ArrayList<>(List.of(metric.label()));
            results.forEach(r -> row.add(Reports.format(value(metric, r), metric.unit())));
            ratios.values().forEach(pair -> row.add(Reports.ratio(value(metric, pair[0]), value(metric, pair[1]))));
            rows.add(row);
        }
        IntSummaryStatistics perBatch = channelsPerBatch();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%nBatch comparison, %s mode: %,d joins per process over %d channels"
                        + " in %d regions (%s), %s layout; %d turns of %d joins: as many single invocations, or one"
                        + " batch (%s distinct channels each); direct invokes; function JVM%s pinned to CPU %s;"
                        + " JDK %s%s%s%n%n",
                options.primed() ? "primed (SnapStart hooks run before the first event)" : "on-demand",
                plan.joins().size(), BatchPlan.distinctChannels(plan.joins()), batch.regions().size(),
                String.join(", ", batch.regions()), batch.layout().name().toLowerCase(Locale.ROOT),
                plan.turns().size(), batch.batchSize(), perBatch.getMin() == perBatch.getMax()
                        ? Integer.toString(perBatch.getMin()) : perBatch.getMin() + " to " + perBatch.getMax(),
                results.size() > 1 ? "s taking turns," : "",
                options.cpu() < 0 ? "(none)" : Integer.toString(options.cpu()), System.getProperty("java.version"),
                Reports.baselineNote(options), Reports.functionEnvNote(options)));
        text.append(Reports.align(header, rows));
        text.append('\n');
        for (Result result : results) {
            text.append(checkLine(result)).append('\n');
        }
        for (Result result : results) {
            if (result.mode() == Mode.BATCH) {
                double floor = plan.pacedFloorSeconds(result.parallelism(), result.joinsPerSecond());
                text.append(String.format(Locale.ROOT, "%s: BATCH_PARALLELISM %d, BATCH_JOINS_PER_SECOND %d; the"
                                + " pacing alone (joins taking no time) needs %.2f s, at most %s joins a second;"
                                + " measured %.1f joins a second in %.2f s%n", result.name(), result.parallelism(),
                        result.joinsPerSecond(), floor, floor == 0 ? "any number of"
                                : String.format(Locale.ROOT, "%.1f", plan.joins().size() / floor),
                        plan.joins().size() / result.wallSeconds(), result.wallSeconds()));
            }
        }
        return text.toString();
    }

    private IntSummaryStatistics channelsPerBatch() {
        return plan.turns().stream().mapToInt(BatchPlan::distinctChannels).summaryStatistics();
    }

    private String checkLine(Result result) {
        int n = plan.joins().size();
        return String.format(Locale.ROOT, "%s: %,d invocations; %,d of %,d joins answered as joined%s; the endpoint"
                        + " %s", result.name(), result.invocationMs().length, result.joined(), n,
                result.problems().isEmpty() ? ", no other answer" : ", other answers: " + result.problems(),
                result.endpointProblems().isEmpty() ? "saw each join exactly once"
                        : "saw " + String.join(", ", result.endpointProblems()));
    }

    /** The document: settings, the plan, per process every metric, its checks and every time; the ratios. */
    Map<String, Object> json() {
        Options.Batch batch = options.batch();
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("mode", options.primed() ? "primed" : "on-demand");
        meta.put("trigger", "direct invoke");
        meta.put("cpu", options.cpu());
        meta.put("jdk", System.getProperty("java.version"));
        meta.put("os", Reports.os());
        meta.put("functionEnv", options.functionEnv());
        if (options.baseline() != null) {
            meta.put("baseline", Reports.baselineJson(options));
        }
        root.put("meta", meta);
        Map<String, Object> planned = new LinkedHashMap<>();
        planned.put("joins", plan.joins().size());
        planned.put("batchSize", batch.batchSize());
        planned.put("turns", plan.turns().size());
        planned.put("channels", BatchPlan.distinctChannels(plan.joins()));
        planned.put("regions", batch.regions());
        planned.put("layout", batch.layout().name().toLowerCase(Locale.ROOT));
        planned.put("channelsPerBatchMin", channelsPerBatch().getMin());
        planned.put("channelsPerBatchMax", channelsPerBatch().getMax());
        root.put("plan", planned);
        Map<String, Object> processes = new LinkedHashMap<>();
        for (Result result : results) {
            Map<String, Object> process = new LinkedHashMap<>();
            process.put("build", result.build());
            process.put("invoked", result.mode().label());
            process.put("batchParallelism", result.parallelism());
            process.put("batchJoinsPerSecond", result.joinsPerSecond());
            if (result.mode() == Mode.BATCH) {
                process.put("pacedFloorSeconds", plan.pacedFloorSeconds(result.parallelism(),
                        result.joinsPerSecond()));
            }
            for (Metric metric : METRICS) {
                double value = value(metric, result);
                process.put(metric.key(), Reports.jsonNumber(value));
            }
            process.put("joined", result.joined());
            process.put("problems", result.problems());
            process.put("endpointProblems", result.endpointProblems());
            process.put("allChecked", result.allChecked(plan.joins().size()));
            process.put("atInitEnd", result.atInitEnd());
            process.put("afterFirstTurn", result.afterFirstTurn());
            process.put("atEnd", result.atEnd());
            process.put("turns", result.turns());
            process.put("invocationMs", result.invocationMs());
            processes.put(result.name(), process);
        }
        root.put("processes", processes);
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios().forEach((name, pair) -> {
            Map<String, Object> each = new LinkedHashMap<>();
            for (Metric metric : METRICS) {
                each.put(metric.key(), Reports.ratioValue(value(metric, pair[0]), value(metric, pair[1])));
            }
            ratios.put(name, each);
        });
        root.put("ratios", ratios);
        return root;
    }
}
