package dev.kvsjoin.bench;

import dev.kvsjoin.bench.Reports.Unit;
import dev.kvsjoin.bench.Soak.Result;
import dev.kvsjoin.bench.Soak.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The soak's results: per build, each metric after the first invocation, over the first window and over the last,
 * the last/first ratio (drift), and the function/baseline ratio of the last window; then the answers and counts of
 * the whole soak; and the JSON document with every reading.
 */
final class SoakReport {

    /**
     * One window of invocations {@code (from, to]}: latency percentiles over its invocations, rates from the readings
     * at both ends, and the reading at its end. A window "after the first invocation" has only that reading.
     */
    record Window(int from, int to, double p50Ms, double p99Ms, double maxMs, double cpuPerInvocationMs,
                  double lookupsPerJoin, double acceptedConnections, Sample end) {

        static Window of(Result result, int from, int to) {
            double[] latencies = Arrays.copyOfRange(result.latenciesMs(), from, to);
            Sample start = result.sample(from);
            Sample end = result.sample(to);
            int joins = end.joins() - start.joins();
            return new Window(from, to, Summary.percentile(latencies, 50), Summary.percentile(latencies, 99),
                    Summary.percentile(latencies, 100), (end.cpuMs() - start.cpuMs()) / (to - from),
                    joins == 0 ? Double.NaN : (end.lookups() - start.lookups()) / (double) joins,
                    end.accepted() - start.accepted(), end);
        }

        static Window afterFirst(Result result) {
            return new Window(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    result.sample(0));
        }
    }

    private record Metric(String label, String key, Unit unit, ToDoubleFunction<Window> value) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("latency p50, ms", "p50Ms", Unit.MS, Window::p50Ms),
            new Metric("latency p99, ms", "p99Ms", Unit.MS, Window::p99Ms),
            new Metric("latency max, ms", "maxMs", Unit.MS, Window::maxMs),
            new Metric("JVM CPU per invocation, ms", "cpuPerInvocationMs", Unit.MS, Window::cpuPerInvocationMs),
            new Metric("endpoint lookups per join", "lookupsPerJoin", Unit.RATE, Window::lookupsPerJoin),
            new Metric("connections the endpoint accepted", "acceptedConnections", Unit.COUNT,
                    Window::acceptedConnections),
            new Metric("RSS (VmRSS) at the end, MiB", "rssMib", Unit.MIB, w -> w.end().rssKib() / 1024.0),
            new Metric("peak RSS (VmHWM) at the end, MiB", "peakRssMib", Unit.MIB,
                    w -> w.end().peakRssKib() / 1024.0),
            new Metric("threads at the end", "threads", Unit.COUNT, w -> w.end().threads()),
            new Metric("open TCP connections at the end", "connections", Unit.COUNT, w -> w.end().connections()),
            new Metric("  of which to Kinesis Video", "kinesisVideoConnections", Unit.COUNT,
                    w -> w.end().kinesisVideoConnections()),
            new Metric("open file descriptors at the end", "openFiles", Unit.COUNT, w -> w.end().openFiles()));

    private final Options options;
    private final List<Result> results;
    private final double seconds;

    SoakReport(Options options, List<Result> results, double seconds) {
        this.options = options;
        this.results = List.copyOf(results);
        this.seconds = seconds;
    }

    private Window first(Result result) {
        return Window.of(result, 0, options.soak().window());
    }

    private Window last(Result result) {
        int n = options.soak().invocations();
        return Window.of(result, n - options.soak().window(), n);
    }

    private Result result(String build) {
        return results.stream().filter(r -> r.build().equals(build)).findFirst().orElse(null);
    }

    String table() {
        Options.Soak soak = options.soak();
        Result baseline = result(Build.BASELINE);
        Result function = result(Build.FUNCTION);
        List<String> header = new ArrayList<>(List.of("metric", "build", "after 1st",
                String.format(Locale.ROOT, "first %,d", soak.window()),
                String.format(Locale.ROOT, "last %,d", soak.window()), "last/first"));
        if (baseline != null) {
            header.add("function/baseline (last)");
        }
        List<List<String>> rows = new ArrayList<>();
        for (Metric metric : METRICS) {
            for (Result result : results) {
                double after = metric.value().applyAsDouble(Window.afterFirst(result));
                double first = metric.value().applyAsDouble(first(result));
                double last = metric.value().applyAsDouble(last(result));
                List<String> row = new ArrayList<>(List.of(result == results.getFirst() ? metric.label() : "",
                        result.build(), Reports.format(after, metric.unit()), Reports.format(first, metric.unit()),
                        Reports.format(last, metric.unit()), Reports.ratio(last, first)));
                if (baseline != null) {
                    row.add(result == results.getLast() ? Reports.ratio(metric.value().applyAsDouble(last(function)),
                            metric.value().applyAsDouble(last(baseline))) : "");
                }
                rows.add(row);
            }
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%nSoak, %s mode: a first invocation, then %,d warm ones per process"
                        + " over %d channels in %d regions (%s), %s order%s, endpoint cache %s; windows of %,d;"
                        + " function JVM%s pinned to CPU %s; JDK %s%s%s%n%n",
                options.primed() ? "primed (SnapStart hooks run before the first event)" : "on-demand",
                soak.invocations(), soak.channels(), soak.regions().size(), String.join(", ", soak.regions()),
                soak.order().name().toLowerCase(Locale.ROOT),
                soak.order() == Options.Soak.Order.RANDOM ? " (seed " + soak.seed() + ")" : "", cacheSizes(),
                soak.window(), results.size() > 1 ? "s taking turns," : "",
                options.cpu() < 0 ? "(none)" : Integer.toString(options.cpu()),
                System.getProperty("java.version"), Reports.baselineNote(options), Reports.functionEnvNote(options)));
        text.append(Reports.align(header, rows));
        text.append('\n');
        for (Result result : results) {
            Sample end = result.sample(soak.invocations());
            text.append(String.format(Locale.ROOT, "%-8s %,d answers: %,d were 200, %s; first invocation %s ms;"
                            + " Kinesis Video saw %,d lookups and %,d joins (%.2f lookups per join), accepted %,d"
                            + " connections%n", result.build(), result.answered(), result.ok(),
                    result.otherAnswers().isEmpty() ? "none other" : "other: " + result.otherAnswers(),
                    Reports.format(result.firstInvocationMs(), Unit.MS), end.lookups(), end.joins(),
                    end.joins() == 0 ? Double.NaN : end.lookups() / (double) end.joins(), end.accepted()));
        }
        text.append(String.format(Locale.ROOT, "%,d invocations in %.1f s%n",
                results.stream().mapToInt(Result::answered).sum(), seconds));
        return text.toString();
    }

    private String cacheSizes() {
        List<String> sizes = results.stream().map(Result::cacheSize).distinct().toList();
        if (sizes.size() == 1) {
            return sizes.getFirst();
        }
        List<String> each = new ArrayList<>();
        results.forEach(r -> each.add(r.build() + " " + r.cacheSize()));
        return String.join(", ", each);
    }

    /** The document: the soak's settings, per build its windows, answers, readings and latencies, the ratios. */
    Map<String, Object> json() {
        Options.Soak soak = options.soak();
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("mode", options.primed() ? "primed" : "on-demand");
        meta.put("invocations", soak.invocations());
        meta.put("window", soak.window());
        meta.put("channels", soak.channels());
        meta.put("regions", soak.regions());
        meta.put("order", soak.order().name().toLowerCase(Locale.ROOT));
        meta.put("seed", soak.seed());
        meta.put("cpu", options.cpu());
        meta.put("jdk", System.getProperty("java.version"));
        meta.put("os", Reports.os());
        meta.put("seconds", seconds);
        meta.put("functionEnv", options.functionEnv());
        if (options.baseline() != null) {
            meta.put("baseline", Reports.baselineJson(options));
        }
        root.put("meta", meta);
        Map<String, Object> builds = new LinkedHashMap<>();
        for (Result result : results) {
            Map<String, Object> build = new LinkedHashMap<>();
            build.put("endpointCacheSize", result.cacheSize());
            build.put("answered", result.answered());
            build.put("ok", result.ok());
            build.put("otherAnswers", result.otherAnswers());
            build.put("firstInvocationMs", result.firstInvocationMs());
            build.put("afterFirst", values(Window.afterFirst(result)));
            build.put("firstWindow", values(first(result)));
            build.put("lastWindow", values(last(result)));
            build.put("samples", result.samples());
            build.put("latenciesMs", result.latenciesMs());
            builds.put(result.build(), build);
        }
        root.put("builds", builds);
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (Result result : results) {
            Map<String, Object> drift = new LinkedHashMap<>();
            for (Metric metric : METRICS) {
                drift.put(metric.key(), Reports.ratioValue(metric.value().applyAsDouble(last(result)),
                        metric.value().applyAsDouble(first(result))));
            }
            ratios.put(result.build() + " last/first", drift);
        }
        Result baseline = result(Build.BASELINE);
        Result function = result(Build.FUNCTION);
        if (baseline != null && function != null) {
            for (String which : List.of("first", "last")) {
                Map<String, Object> against = new LinkedHashMap<>();
                for (Metric metric : METRICS) {
                    Window f = which.equals("first") ? first(function) : last(function);
                    Window b = which.equals("first") ? first(baseline) : last(baseline);
                    against.put(metric.key(), Reports.ratioValue(metric.value().applyAsDouble(f),
                            metric.value().applyAsDouble(b)));
                }
                ratios.put("function/baseline " + which, against);
            }
        }
        root.put("ratios", ratios);
        return root;
    }

    private static Map<String, Object> values(Window window) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("from", window.from());
        values.put("to", window.to());
        for (Metric metric : METRICS) {
            double value = metric.value().applyAsDouble(window);
            values.put(metric.key(), Reports.jsonNumber(value));
        }
        return values;
    }
}
