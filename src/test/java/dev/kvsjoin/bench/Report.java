package dev.kvsjoin.bench;

import dev.kvsjoin.bench.Reports.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The session's results: a table of medians with min..max per build and the ratios of the medians (function/baseline
 * too with {@code --baseline}), the class-load breakdown of one run, and the JSON document {@code bench/chart.py}
 * reads.
 */
final class Report {

    /** One row: its label, its key in the JSON document's medians and ratios, its unit, how to read it. */
    private record Metric(String label, String key, Unit unit, ToDoubleFunction<RunResult> value) {
    }

    private static final List<String> RATIOS = List.of(
            Build.FUNCTION + "/" + Build.NAIVE, Build.FUNCTION + "/" + Build.FLOOR, Build.NAIVE + "/" + Build.FLOOR);
    private static final String AGAINST_BASELINE = Build.FUNCTION + "/" + Build.BASELINE;

    private final Options options;
    private final List<RunResult> runs;
    private final Map<String, Build.Artifact> artifacts;
    private final Map<String, List<ClassLoadLog.Loaded>> classes;
    private final Map<String, RunResult> classRuns;

    /**
     * @param classes per build, the class loads of the run in {@code classRuns}
     */
    Report(Options options, List<RunResult> runs, Map<String, Build.Artifact> artifacts,
           Map<String, List<ClassLoadLog.Loaded>> classes, Map<String, RunResult> classRuns) {
        this.options = options;
        this.runs = List.copyOf(runs);
        this.artifacts = artifacts;
        this.classes = classes;
        this.classRuns = classRuns;
    }

    private List<Metric> metrics() {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric("cold start: process start to 1st response", "coldStartMs", Unit.MS,
                RunResult::coldStartMs));
        metrics.add(new Metric("  init: to the first GET /next", "initMs", Unit.MS, RunResult::initMs));
        if (options.primed()) {
            metrics.add(new Metric("    to GET /restore/next (init+beforeCheckpoint)", "restoreMs", Unit.MS,
                    RunResult::restoreMs));
            metrics.add(new Metric("    restore/next to first /next (afterRestore)", "afterRestoreMs", Unit.MS,
                    r -> r.initMs() - r.restoreMs()));
        }
        metrics.add(new Metric("  first invocation: event to response", "firstInvocationMs", Unit.MS,
                RunResult::firstInvocationMs));
        metrics.add(new Metric("JVM CPU by first response", "cpuAtFirstResponseMs", Unit.MS,
                RunResult::cpuAtFirstResponseMs));
        metrics.add(new Metric("  of which during the first invocation", "cpuDuringFirstInvocationMs", Unit.MS,
                RunResult::cpuDuringFirstInvocationMs));
        metrics.add(new Metric("classes loaded by init end", "classesAtInitEnd", Unit.COUNT,
                r -> counted(r.classesAtInitEnd())));
        metrics.add(new Metric("classes loaded by first response", "classesAtFirstResponse", Unit.COUNT,
                r -> counted(r.classesAtFirstResponse())));
        metrics.add(new Metric("  of which during the first invocation", "classesDuringFirstInvocation", Unit.COUNT,
                r -> counted(r.classesDuringFirstInvocation())));
        metrics.add(new Metric("peak RSS at first response", "peakRssMib", Unit.MIB,
                r -> r.peakRssKibAtFirstResponse() / 1024.0));
        metrics.add(new Metric("warm invocation p50", "warmP50Ms", Unit.MS, RunResult::warmP50Ms));
        metrics.add(new Metric("warm invocation p99", "warmP99Ms", Unit.MS, RunResult::warmP99Ms));
        return metrics;
    }

    /** The ratios of medians shown: function/baseline first when a baseline ran, then the reference ratios. */
    private List<String> ratios() {
        List<String> ratios = new ArrayList<>();
        if (builds().contains(Build.BASELINE)) {
            ratios.add(AGAINST_BASELINE);
        }
        ratios.addAll(RATIOS);
        return ratios;
    }

    /** Per metric key (and {@code artifactBytes}), per build, the median over the build's runs. */
    private Map<String, Map<String, Double>> medians() {
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (Metric metric : metrics()) {
            Map<String, Double> perBuild = new LinkedHashMap<>();
            for (String build : builds()) {
                perBuild.put(build, Summary.of(values(build, metric.value())).median());
            }
            medians.put(metric.key(), perBuild);
        }
        Map<String, Double> sizes = new LinkedHashMap<>();
        for (String build : builds()) {
            sizes.put(build, (double) artifacts.get(build).totalBytes());
        }
        medians.put("artifactBytes", sizes);
        return medians;
    }

    /** Medians with min..max per build, then the ratios of the medians; then the artifact sizes. */
    String table() {
        List<String> builds = builds();
        List<String> ratios = ratios();
        Map<String, Map<String, Double>> medians = medians();
        List<String> header = new ArrayList<>();
        header.add("metric (median, min..max; ms, MiB or count)");
        builds.forEach(header::add);
        header.addAll(ratios);
        List<List<String>> rows = new ArrayList<>();
        for (Metric metric : metrics()) {
            List<String> row = new ArrayList<>();
            row.add(metric.label());
            for (String build : builds) {
                Summary s = Summary.of(values(build, metric.value()));
                row.add(Reports.format(s.median(), metric.unit()) + " (" + Reports.format(s.min(), metric.unit())
                        + ".." + Reports.format(s.max(), metric.unit()) + ")");
            }
            ratios.forEach(ratio -> row.add(ratio(medians.get(metric.key()), ratio)));
            rows.add(row);
        }
        List<String> artifactRow = new ArrayList<>();
        artifactRow.add("artifact bytes: classes + lib/");
        for (String build : builds) {
            Build.Artifact a = artifacts.get(build);
            artifactRow.add(String.format(Locale.ROOT, "%,d (%,d + %,d)", a.totalBytes(), a.classesBytes(),
                    a.libBytes()));
        }
        ratios.forEach(ratio -> artifactRow.add(ratio(medians.get("artifactBytes"), ratio)));
        rows.add(artifactRow);

        StringBuilder text = new StringBuilder();
        int runsPerBuild = (int) runs.stream().filter(r -> r.build().equals(builds.getFirst())).count();
        text.append(String.format(Locale.ROOT, "%nCold start, %s mode: %d runs per build, %d warm invocations each,"
                        + " function JVM pinned to CPU %s, JDK %s%s%s%n%n",
                options.primed() ? "primed (SnapStart hooks run before the first event)" : "on-demand", runsPerBuild,
                options.warm(), options.cpu() < 0 ? "(none)" : Integer.toString(options.cpu()),
                System.getProperty("java.version"), Reports.baselineNote(options), Reports.functionEnvNote(options)));
        text.append(Reports.align(header, rows));
        return text.toString();
    }

    /**
     * The packages whose class counts by first response differ between the function and the baseline, largest
     * difference first: where a change in the classes loaded comes from. Empty without a baseline's class log.
     */
    String classDifferences(int top) {
        List<ClassLoadLog.Loaded> function = classes.get(Build.FUNCTION);
        List<ClassLoadLog.Loaded> baseline = classes.get(Build.BASELINE);
        if (function == null || baseline == null) {
            return "";
        }
        Map<String, int[]> f = counts(function, classRuns.get(Build.FUNCTION), ClassLoadLog.Loaded::packageName);
        Map<String, int[]> b = counts(baseline, classRuns.get(Build.BASELINE), ClassLoadLog.Loaded::packageName);
        Map<String, int[]> both = new LinkedHashMap<>();
        f.forEach((pkg, n) -> both.computeIfAbsent(pkg, k -> new int[2])[0] = n[0] + n[1]);
        b.forEach((pkg, n) -> both.computeIfAbsent(pkg, k -> new int[2])[1] = n[0] + n[1]);
        List<List<String>> rows = new ArrayList<>();
        both.entrySet().stream()
                .filter(e -> e.getValue()[0] != e.getValue()[1])
                .sorted(Comparator.comparingInt((Map.Entry<String, int[]> e) ->
                        -Math.abs(e.getValue()[0] - e.getValue()[1])).thenComparing(Map.Entry::getKey))
                .limit(top)
                .forEach(e -> rows.add(List.of(e.getKey(), Integer.toString(e.getValue()[1]),
                        Integer.toString(e.getValue()[0]),
                        String.format(Locale.ROOT, "%+d", e.getValue()[0] - e.getValue()[1]))));
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%nClasses by first response, function (round %d) vs baseline"
                        + " (round %d): packages that differ%n%n", classRuns.get(Build.FUNCTION).round(),
                classRuns.get(Build.BASELINE).round()));
        if (rows.isEmpty()) {
            text.append("(none: every package loads as many classes)\n");
        } else {
            text.append(Reports.align(List.of("package", "baseline", "function", "difference"), rows));
        }
        return text.toString();
    }

    /** The top packages and class sources of one build's last run, split at init end. */
    String classBreakdown(String build, int top) {
        List<ClassLoadLog.Loaded> loaded = classes.get(build);
        RunResult run = classRuns.get(build);
        if (loaded == null || run == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%nWhere the %s's classes come from (round %d: %d by init end, %d"
                        + " during the first invocation)%n%n", build, run.round(), run.classesAtInitEnd(),
                run.classesDuringFirstInvocation()));
        text.append(Reports.align(List.of("package", "by init end", "first invocation", "total"),
                rows(loaded, run, ClassLoadLog.Loaded::packageName, top)));
        text.append('\n');
        text.append(Reports.align(List.of("source", "by init end", "first invocation", "total"),
                rows(loaded, run, ClassLoadLog.Loaded::origin, top)));
        return text.toString();
    }

    private static List<List<String>> rows(List<ClassLoadLog.Loaded> loaded, RunResult run,
                                           java.util.function.Function<ClassLoadLog.Loaded, String> key, int top) {
        Map<String, int[]> counts = counts(loaded, run, key);
        List<List<String>> rows = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, int[]> e) -> -(e.getValue()[0] + e.getValue()[1]))
                        .thenComparing(Map.Entry::getKey))
                .limit(top)
                .forEach(e -> rows.add(List.of(e.getKey(), Integer.toString(e.getValue()[0]),
                        Integer.toString(e.getValue()[1]), Integer.toString(e.getValue()[0] + e.getValue()[1]))));
        return rows;
    }

    /** Per key: classes loaded by init end, and during the first invocation. */
    private static Map<String, int[]> counts(List<ClassLoadLog.Loaded> loaded, RunResult run,
                                             java.util.function.Function<ClassLoadLog.Loaded, String> key) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        int end = Math.min(loaded.size(), run.classesAtFirstResponse());
        for (int i = 0; i < end; i++) {
            int[] pair = counts.computeIfAbsent(key.apply(loaded.get(i)), k -> new int[2]);
            pair[i < run.classesAtInitEnd() ? 0 : 1]++;
        }
        return counts;
    }

    /** The document for {@code bench/chart.py}: the session, the artifacts, every run, the class breakdowns. */
    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("mode", options.primed() ? "primed" : "on-demand");
        meta.put("rounds", options.rounds());
        meta.put("warm", options.warm());
        meta.put("cpu", options.cpu());
        meta.put("classLog", options.classLog());
        meta.put("jdk", System.getProperty("java.version"));
        meta.put("os", Reports.os());
        meta.put("driverAvailableProcessors", Runtime.getRuntime().availableProcessors());
        meta.put("functionEnv", options.functionEnv());
        if (options.baseline() != null) {
            meta.put("baseline", Reports.baselineJson(options));
        }
        root.put("meta", meta);
        Map<String, Map<String, Double>> medians = medians();
        Map<String, Object> medianJson = new LinkedHashMap<>();
        medians.forEach((key, perBuild) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            perBuild.forEach((build, value) -> values.put(build, Reports.jsonNumber(value)));
            medianJson.put(key, values);
        });
        root.put("medians", medianJson);
        Map<String, Object> ratioJson = new LinkedHashMap<>();
        for (String ratio : ratios()) {
            Map<String, Object> values = new LinkedHashMap<>();
            medians.forEach((key, perBuild) -> values.put(key, ratioValue(perBuild, ratio)));
            ratioJson.put(ratio, values);
        }
        root.put("ratios", ratioJson);
        Map<String, Object> sizes = new LinkedHashMap<>();
        artifacts.forEach((build, a) -> sizes.put(build, Map.of("classesBytes", a.classesBytes(),
                "libBytes", a.libBytes(), "totalBytes", a.totalBytes())));
        root.put("artifacts", sizes);
        List<Map<String, Object>> list = new ArrayList<>();
        for (RunResult r : runs) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("build", r.build());
            run.put("round", r.round());
            run.put("position", r.position());
            run.put("coldStartMs", r.coldStartMs());
            run.put("initMs", r.initMs());
            run.put("restoreMs", Double.isNaN(r.restoreMs()) ? null : r.restoreMs());
            run.put("firstInvocationMs", r.firstInvocationMs());
            run.put("pauseMs", r.pauseMs());
            run.put("cpuAtInitEndMs", r.cpuAtInitEndMs());
            run.put("cpuAtFirstResponseMs", r.cpuAtFirstResponseMs());
            run.put("cpuDuringFirstInvocationMs", r.cpuDuringFirstInvocationMs());
            run.put("classesAtInitEnd", countOrNull(r.classesAtInitEnd()));
            run.put("classesAtFirstResponse", countOrNull(r.classesAtFirstResponse()));
            run.put("classesDuringFirstInvocation", countOrNull(r.classesDuringFirstInvocation()));
            run.put("peakRssKib", r.peakRssKibAtFirstResponse());
            run.put("warmCount", r.warmCount());
            run.put("warmP50Ms", Reports.jsonNumber(r.warmP50Ms()));
            run.put("warmP99Ms", Reports.jsonNumber(r.warmP99Ms()));
            run.put("warmMaxMs", Reports.jsonNumber(r.warmMaxMs()));
            run.put("kinesisVideoCalls", r.kinesisVideoCalls());
            list.add(run);
        }
        root.put("runs", list);
        Map<String, Object> breakdown = new LinkedHashMap<>();
        classes.forEach((build, loaded) -> {
            RunResult run = classRuns.get(build);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("round", run.round());
            entry.put("byPackage", pairs(counts(loaded, run, ClassLoadLog.Loaded::packageName)));
            entry.put("bySource", pairs(counts(loaded, run, ClassLoadLog.Loaded::origin)));
            breakdown.put(build, entry);
        });
        root.put("classes", breakdown);
        return root;
    }

    private static Map<String, Object> pairs(Map<String, int[]> counts) {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(k, Map.of("byInitEnd", v[0], "duringFirstInvocation", v[1])));
        return out;
    }

    private List<String> builds() {
        List<String> order = new ArrayList<>(List.of(Build.FLOOR, Build.NAIVE, Build.BASELINE, Build.FUNCTION));
        order.removeIf(b -> runs.stream().noneMatch(r -> r.build().equals(b)));
        return order;
    }

    private List<Double> values(String build, ToDoubleFunction<RunResult> value) {
        return runs.stream().filter(r -> r.build().equals(build)).map(r -> value.applyAsDouble(r)).toList();
    }

    private static String ratio(Map<String, Double> medians, String ratio) {
        return Reports.ratioText(ratioValue(medians, ratio));
    }

    /** {@code top/bottom} of two builds' medians, or {@code null} when either is missing or the bottom is 0. */
    private static Double ratioValue(Map<String, Double> medians, String ratio) {
        String[] pair = ratio.split("/");
        Double top = medians.get(pair[0]);
        Double bottom = medians.get(pair[1]);
        return top == null || bottom == null ? null : Reports.ratioValue(top, bottom);
    }

    /** A class count, or NaN when classes were not logged. */
    private static double counted(int count) {
        return count < 0 ? Double.NaN : count;
    }

    private static Integer countOrNull(int count) {
        return count < 0 ? null : count;
    }
}
