package dev.kvsjoin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.testing.EmfValidator;
import dev.kvsjoin.testing.Fault;
import dev.kvsjoin.testing.FunctionTemplate;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.Operation;
import dev.kvsjoin.testing.ServiceError;
import dev.kvsjoin.testing.TestContext;
import dev.kvsjoin.trigger.Trigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the stack's dashboard shows for ordinary traffic, drawn from a local run: {@value #INVOCATIONS} invocations
 * through the production handler graph (the template's settings, three execution environments, one of them recycled
 * half way) against the local Kinesis Video endpoint, with the faults of a normal day scripted in (throttling that the
 * retries absorb and some that they do not, a retried 5xx, slow lookups, invalid requests, a deleted channel). The
 * metrics are read back from the log lines as CloudWatch extracts them, placed one invocation every
 * {@value #SECONDS_APART} s over a simulated hour, and aggregated per 5-minute period as the dashboard's widgets
 * aggregate them; the alarms are evaluated on the same periods. Durations are real, from this machine and the
 * loopback endpoint: far shorter than against AWS. Writes an SVG.
 *
 * <pre>bench/dashboard-preview [OUT.svg]     (default docs/dashboard-healthy.svg)</pre>
 */
public final class DashboardPreview {

    static final int INVOCATIONS = 360;
    static final int SECONDS_APART = 10;
    static final int PERIOD_SECONDS = 300;
    static final int ENVIRONMENTS = 3;
    static final long SEED = 7;
    static final List<String> CHANNELS = List.of(
            "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1700000000000",
            "arn:aws:kinesisvideo:us-west-2:123456789012:channel/back-door/1700000000001",
            "arn:aws:kinesisvideo:us-west-2:123456789012:channel/garage/1700000000002",
            "arn:aws:kinesisvideo:us-west-2:123456789012:channel/lobby/1700000000003",
            "arn:aws:kinesisvideo:eu-central-1:123456789012:channel/yard/1700000000004",
            "arn:aws:kinesisvideo:eu-central-1:123456789012:channel/dock/1700000000005");
    static final ObjectMapper JSON = new ObjectMapper();

    /** One invocation's metrics, at its simulated time. */
    record Sample(int second, List<EmfValidator.Datum> data) {

        double value(String metric, String key, String keyValue) {
            for (EmfValidator.Datum d : data) {
                if (d.name().equals(metric) && (key == null ? d.dimensions().size() == 1
                        : keyValue.equals(d.dimensions().get(key)))) {
                    return d.value();
                }
            }
            return Double.NaN;
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/dashboard-healthy.svg");
        List<Sample> samples = run();
        String svg = render(samples);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, svg);
        System.out.println(out);
    }

    /** Runs the invocations and reads their metrics back from the log lines. */
    static List<Sample> run() throws IOException {
        Map<String, String> env = new HashMap<>(FunctionTemplate.read(Path.of("template.yaml")).environment());
        Random random = new Random(SEED);
        List<Sample> samples = new ArrayList<>();
        try (LocalKinesisVideo kvs = LocalKinesisVideo.start()) {
            CHANNELS.forEach(kvs::addChannel);
            List<String> lines = new ArrayList<>();
            List<JoinHandler> environments = new ArrayList<>();
            for (int e = 0; e < ENVIRONMENTS; e++) {
                environments.add(handler(kvs, env, lines));
            }
            for (int i = 0; i < INVOCATIONS; i++) {
                if (i == INVOCATIONS / 2) {
                    environments.set(0, handler(kvs, env, lines));
                }
                lines.clear();
                byte[] event = scripted(kvs, random);
                try {
                    environments.get(i % ENVIRONMENTS).handleRequest(new ByteArrayInputStream(event),
                            new ByteArrayOutputStream(), new TestContext("preview-" + i, 20_000));
                } catch (JoinException expected) {
                    // a failure the caller is told about; its metrics are in the line
                }
                for (String line : lines) {
                    samples.add(new Sample(i * SECONDS_APART, EmfValidator.data(EmfValidator.assertValid(line))));
                }
            }
        }
        return samples;
    }

    private static JoinHandler handler(LocalKinesisVideo kvs, Map<String, String> env, List<String> lines) {
        return LocalHandlers.create(kvs, env,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> lines.add(new String(line, StandardCharsets.UTF_8)));
    }

    /** One invocation's event, with the local endpoint primed for the fault the dice chose. */
    private static byte[] scripted(LocalKinesisVideo kvs, Random random) {
        double dice = random.nextDouble();
        Operation join = Operation.JOIN_STORAGE_SESSION_AS_VIEWER;
        Operation lookup = Operation.GET_SIGNALING_CHANNEL_ENDPOINT;
        String clientId = "viewer-" + random.nextInt(60);
        if (dice < 0.015) {
            clientId = "not a client id";
        } else if (dice < 0.025) {
            for (int k = 0; k < 3; k++) {
                kvs.failNext(join, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
            }
        } else if (dice < 0.06) {
            kvs.failNext(join, Fault.error(ServiceError.CLIENT_LIMIT_EXCEEDED));
        } else if (dice < 0.07) {
            kvs.failNext(join, Fault.error(ServiceError.SERVICE_UNAVAILABLE));
        } else if (dice < 0.08) {
            kvs.failNext(join, Fault.error(ServiceError.RESOURCE_NOT_FOUND));
        } else if (dice < 0.11) {
            kvs.failNext(lookup, Fault.delay(java.time.Duration.ofMillis(120 + random.nextInt(200))));
            kvs.failNext(join, Fault.delay(java.time.Duration.ofMillis(40 + random.nextInt(80))));
        }
        double t = random.nextDouble();
        Trigger trigger = t < 0.55 ? Trigger.HTTP_API : t < 0.80 ? Trigger.DIRECT : t < 0.92 ? Trigger.EVENTBRIDGE
                : Trigger.SCHEDULER;
        String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
        return Scenario.envelope(trigger, Scenario.request(channel, clientId));
    }

    // --- aggregation per period, as CloudWatch's statistics

    static Map<Integer, List<Sample>> periods(List<Sample> samples) {
        Map<Integer, List<Sample>> periods = new TreeMap<>();
        for (Sample s : samples) {
            periods.computeIfAbsent(s.second() / PERIOD_SECONDS, k -> new ArrayList<>()).add(s);
        }
        return periods;
    }

    static List<Double> values(List<Sample> samples, ToDoubleFunction<Sample> value) {
        List<Double> values = new ArrayList<>();
        for (Sample s : samples) {
            double v = value.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                values.add(v);
            }
        }
        return values;
    }

    static double sum(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    static double average(List<Double> values) {
        return values.isEmpty() ? Double.NaN : sum(values) / values.size();
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }

    // --- drawing

    static final String[] REASON_COLORS = {"#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf"};
    static final int PANEL_W = 380;
    static final int PANEL_H = 200;

    static String render(List<Sample> samples) {
        Map<Integer, List<Sample>> periods = periods(samples);
        int n = periods.size();
        List<List<Sample>> bins = new ArrayList<>(periods.values());
        StringBuilder svg = new StringBuilder();
        int width = 40 + 3 * (PANEL_W + 20);
        int height = 110 + 2 * (PANEL_H + 70) + 150;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\""
                + " fill=\"white\"/>%n", width, height));
        text(svg, 20, 28, "A healthy dashboard: " + samples.size() + " invocations of a local run, 5-minute periods"
                + " of a simulated hour", 16, "bold");
        text(svg, 20, 48, "The production handler graph with the template's settings, 3 execution environments (one"
                + " recycled at 30 min), the local Kinesis Video endpoint with scripted faults: throttling", 11, null);
        text(svg, 20, 62, "mostly absorbed by the retries, a retried 5xx, slow lookups, invalid requests, a deleted"
                + " channel. Metrics read back from the log lines as CloudWatch extracts them; x axis: minutes.", 11,
                null);
        text(svg, 20, 76, "Durations are this machine's over loopback, far shorter than against AWS; the shapes are"
                + " what to compare.", 11, null);

        List<String> reasons = new ArrayList<>();
        for (Sample s : samples) {
            for (EmfValidator.Datum d : s.data()) {
                String code = d.dimensions().get("error_code");
                if (code != null && !reasons.contains(code)) {
                    reasons.add(code);
                }
            }
        }
        Collections.sort(reasons);

        int x0 = 20;
        int y0 = 110;
        int y1 = y0 + PANEL_H + 70;
        List<double[]> outcome = new ArrayList<>();
        for (List<Sample> bin : bins) {
            outcome.add(new double[] {sum(values(bin, s -> s.value("Joined", null, null))),
                sum(values(bin, s -> s.value("Failed", null, null)))});
        }
        bars(svg, x0, y0, "Join outcomes (Sum)", outcome, new String[] {"Joined", "Failed"},
                new String[] {"#2ca02c", "#d62728"});

        List<double[]> byReason = new ArrayList<>();
        for (List<Sample> bin : bins) {
            double[] counts = new double[reasons.size()];
            for (int r = 0; r < reasons.size(); r++) {
                String code = reasons.get(r);
                counts[r] = sum(values(bin, s -> s.value("Failed", "error_code", code)));
            }
            byReason.add(counts);
        }
        bars(svg, x0 + PANEL_W + 20, y0, "Failures by reason (Sum)", byReason, reasons.toArray(String[]::new),
                REASON_COLORS);

        List<double[]> duration = new ArrayList<>();
        for (List<Sample> bin : bins) {
            List<Double> d = values(bin, s -> s.value("JoinDuration", null, null));
            duration.add(new double[] {percentile(d, 50), percentile(d, 90), percentile(d, 99),
                percentile(d, 100)});
        }
        lines(svg, x0 + 2 * (PANEL_W + 20), y0, "Join duration (ms): alarm at p99 15,000, timeout 20,000",
                duration, new String[] {"p50", "p90", "p99", "max"},
                new String[] {"#1f77b4", "#2ca02c", "#ff7f0e", "#d62728"}, Double.NaN);

        List<double[]> attempts = new ArrayList<>();
        for (List<Sample> bin : bins) {
            List<Double> a = values(bin, s -> s.value("JoinAttempts", null, null));
            attempts.add(new double[] {average(a), percentile(a, 99), percentile(a, 100)});
        }
        lines(svg, x0, y1, "Kinesis Video requests per join", attempts, new String[] {"average", "p99", "max"},
                new String[] {"#1f77b4", "#ff7f0e", "#d62728"}, Double.NaN);

        List<double[]> cache = new ArrayList<>();
        for (List<Sample> bin : bins) {
            cache.add(new double[] {100 * average(values(bin, s -> s.value("EndpointCacheHit", null, null)))});
        }
        lines(svg, x0 + PANEL_W + 20, y1, "Endpoint cache hit ratio (% of joins)", cache,
                new String[] {"cache hits"}, new String[] {"#1f77b4"}, 100);

        List<double[]> cold = new ArrayList<>();
        for (List<Sample> bin : bins) {
            cold.add(new double[] {sum(values(bin, s -> s.value("ColdStart", null, null)))});
        }
        bars(svg, x0 + 2 * (PANEL_W + 20), y1, "Cold starts (Sum)", cold, new String[] {"cold starts"},
                new String[] {"#9467bd"});

        alarmTable(svg, x0, y1 + PANEL_H + 60, bins);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The function's alarms, evaluated on the run's periods as CloudWatch would. */
    private static void alarmTable(StringBuilder svg, int x, int y, List<List<Sample>> bins) {
        text(svg, x, y, "Alarms on the same periods (those on the function's own metrics; LambdaThrottlesAlarm and"
                + " FailedJoinsAlarm read AWS's)", 13, "bold");
        double maxInternal = 0;
        double maxAccess = 0;
        double maxThrottled = 0;
        double maxUpstream = 0;
        double maxP99 = 0;
        for (List<Sample> bin : bins) {
            maxInternal = Math.max(maxInternal, sum(values(bin, s -> s.value("Failed", "error_code", "InternalError"))));
            maxAccess = Math.max(maxAccess, sum(values(bin, s -> s.value("Failed", "error_code", "AccessDenied"))));
            maxThrottled = Math.max(maxThrottled, sum(values(bin, s -> s.value("Failed", "error_code", "Throttled"))));
            maxUpstream = Math.max(maxUpstream,
                    sum(values(bin, s -> s.value("Failed", "error_code", "UpstreamUnavailable")))
                            + sum(values(bin, s -> s.value("Failed", "error_code", "UpstreamError"))));
            double p99 = percentile(values(bin, s -> s.value("JoinDuration", null, null)), 99);
            maxP99 = Math.max(maxP99, Double.isNaN(p99) ? 0 : p99);
        }
        String[][] rows = {
            {"FunctionFailingAlarm", "InternalError outcomes (+ Lambda errors not raised)", fmt(maxInternal), "1",
                state(maxInternal >= 1)},
            {"AccessDeniedAlarm", "AccessDenied outcomes", fmt(maxAccess), "1", state(maxAccess >= 1)},
            {"KinesisVideoThrottlingAlarm", "Throttled outcomes per 5 min (2 periods in a row)", fmt(maxThrottled),
                "5", state(maxThrottled >= 5)},
            {"UpstreamFailingAlarm", "UpstreamUnavailable + UpstreamError per 5 min (2 in a row)", fmt(maxUpstream),
                "3", state(maxUpstream >= 3)},
            {"JoinDurationNearTimeoutAlarm", "p99 JoinDuration per 5 min, ms (2 in a row)", fmt(maxP99), "15000",
                state(maxP99 >= 15000)},
        };
        int[] columns = {0, 220, 560, 680, 770};
        String[] headers = {"alarm", "reads", "worst period", "threshold", "state"};
        for (int c = 0; c < headers.length; c++) {
            text(svg, x + columns[c], y + 22, headers[c], 11, "bold");
        }
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                String color = c == 4 ? (rows[r][c].equals("OK") ? "#2ca02c" : "#d62728") : null;
                textColored(svg, x + columns[c], y + 40 + 16 * r, rows[r][c], color);
            }
        }
    }

    private static String state(boolean breaching) {
        return breaching ? "ALARM" : "OK";
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void bars(StringBuilder svg, int x, int y, String title, List<double[]> bins, String[] names,
                             String[] colors) {
        double max = 1;
        for (double[] bin : bins) {
            double total = 0;
            for (double v : bin) {
                total += v;
            }
            max = Math.max(max, total);
        }
        double top = niceCeiling(max);
        frame(svg, x, y, title, top, bins.size());
        double slot = (double) (PANEL_W - 50) / bins.size();
        for (int b = 0; b < bins.size(); b++) {
            double base = 0;
            for (int k = 0; k < bins.get(b).length; k++) {
                double v = bins.get(b)[k];
                if (v <= 0) {
                    continue;
                }
                double h = (PANEL_H - 30) * v / top;
                double yTop = y + PANEL_H - (PANEL_H - 30) * (base + v) / top;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                        + " fill=\"%s\"/>%n", x + 45 + b * slot + 2, yTop, slot - 4, h, colors[k % colors.length]));
                base += v;
            }
        }
        legend(svg, x, y, names, colors);
    }

    private static void lines(StringBuilder svg, int x, int y, String title, List<double[]> bins, String[] names,
                              String[] colors, double fixedTop) {
        double max = 1;
        for (double[] bin : bins) {
            for (double v : bin) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = Double.isNaN(fixedTop) ? niceCeiling(max) : fixedTop;
        frame(svg, x, y, title, top, bins.size());
        double slot = (double) (PANEL_W - 50) / bins.size();
        for (int k = 0; k < names.length; k++) {
            StringBuilder points = new StringBuilder();
            for (int b = 0; b < bins.size(); b++) {
                double v = bins.get(b)[k];
                if (Double.isNaN(v)) {
                    continue;
                }
                double px = x + 45 + b * slot + slot / 2;
                double py = y + PANEL_H - (PANEL_H - 30) * v / top;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                        px, py, colors[k]));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"1.8\"/>%n", points.toString().strip(), colors[k]));
        }
        legend(svg, x, y, names, colors);
    }

    private static void frame(StringBuilder svg, int x, int y, String title, double top, int bins) {
        text(svg, x, y - 8, title, 12, "bold");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#ccc\"/>%n", x + 45, y + 30, PANEL_W - 50, PANEL_H - 30));
        for (int t = 0; t <= 4; t++) {
            double v = top * t / 4;
            double py = y + PANEL_H - (PANEL_H - 30) * t / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    x + 45, py, x + PANEL_W - 5, py));
            textAnchored(svg, x + 40, py + 4, fmt(v), "end");
        }
        double slot = (double) (PANEL_W - 50) / bins;
        for (int b = 0; b < bins; b += 2) {
            textAnchored(svg, x + 45 + b * slot + slot / 2, y + PANEL_H + 14, (b * PERIOD_SECONDS / 60) + "'",
                    "middle");
        }
    }

    private static void legend(StringBuilder svg, int x, int y, String[] names, String[] colors) {
        int lx = x + 48;
        for (int k = 0; k < names.length; k++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\"/>%n",
                    lx, y + 12, colors[k % colors.length]));
            text(svg, lx + 12, y + 20, names[k], 10, null);
            lx += 18 + 6 * names[k].length();
        }
    }

    /** The smallest of 1, 2, 4, 8, 10 times a power of ten at or above the value, at least 4: quarters stay round. */
    private static double niceCeiling(double value) {
        value = Math.max(4, value);
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 4, 8, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static void text(StringBuilder svg, double x, double y, String text, int size, String weight) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\"%s>%s</text>%n", x, y,
                size, weight == null ? "" : " font-weight=\"" + weight + "\"", escape(text)));
    }

    private static void textColored(StringBuilder svg, double x, double y, String text, String color) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n", x, y,
                color == null ? "" : " fill=\"" + color + "\" font-weight=\"bold\"", escape(text)));
    }

    private static void textAnchored(StringBuilder svg, double x, double y, String text, String anchor) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#555\">%s</text>%n",
                x, y, anchor, escape(text)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
