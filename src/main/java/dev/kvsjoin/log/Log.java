package dev.kvsjoin.log;

import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;

/**
 * The only writer of log lines: one JSON object per line, with Powertools for AWS Lambda key names where they
 * overlap ({@code timestamp}, {@code level}, {@code message}, {@code service}, {@code function_request_id},
 * {@code cold_start}, ...). Messages are constants; everything variable goes in fields, written by a JSON generator
 * that escapes every string, so no value can break a line or forge a field.
 *
 * <p>Metrics travel in the same line, in CloudWatch's embedded metric format: the metric values as members of the
 * line and an {@code _aws} member naming the namespace, metrics, units and dimension sets. One line per outcome is
 * cheaper than two (one write, one log event, and the dimensions are members the line carries anyway), Logs Insights
 * still sees every field, and CloudWatch extracts the metrics because Lambda's logger passes the bytes through
 * unchanged in its JSON log format: the log event is exactly this object. When the line's level is below the log
 * level, a compact line with the metrics alone (no {@code level} key) is written instead, at the lowest level let
 * through, so metrics and the alarms on them never depend on the log level.
 */
public final class Log {

    /** The key of the service name, in every line, and the dimension of every metric. */
    public static final String SERVICE = "service";
    /** The message of a line that carries metrics only, its outcome's own line being below the log level. */
    public static final String METRICS_ONLY = "metrics";
    /** Fields a metrics-only line keeps besides the dimensions, to find the invocation it belongs to. */
    private static final String REQUEST_ID = "function_request_id";
    private static final Metric[] METRICS = Metric.values();

    /** Where finished lines go, with their level (Lambda's logger filters and frames them). */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] line, Level level);
    }

    private final Sink sink;
    private final Level minimum;
    private final String service;
    private final LongSupplier clock;
    private final String namespace;

    /** A log without metrics. */
    public Log(Sink sink, Level minimum, String service, LongSupplier epochMillis) {
        this(sink, minimum, service, epochMillis, null);
    }

    /** @param metricsNamespace the CloudWatch namespace of the embedded metrics, or {@code null} for none */
    public Log(Sink sink, Level minimum, String service, LongSupplier epochMillis, String metricsNamespace) {
        this.sink = sink;
        this.minimum = minimum;
        this.service = service;
        this.clock = epochMillis;
        this.namespace = metricsNamespace;
    }

    public boolean isEnabled(Level level) {
        return level.compareTo(minimum) >= 0;
    }

    /** The log's clock, in milliseconds since the epoch. */
    public long epochMillis() {
        return clock.getAsLong();
    }

    /**
     * Writes one line. Field values may be strings, numbers, booleans, lists of strings or maps of these;
     * {@code null} values are left out.
     */
    public void write(Level level, String message, Map<String, ?> fields) {
        write(level, message, fields, null);
    }

    /**
     * Writes one line with its metrics, or only the metrics when the level is below the log's, or nothing when
     * neither is wanted. {@code metrics} may be {@code null}; it is ignored when the log has no namespace.
     */
    public void write(Level level, String message, Map<String, ?> fields, MetricValues metrics) {
        boolean whole = isEnabled(level);
        boolean emf = namespace != null && metrics != null && !metrics.isEmpty();
        if (!whole && !emf) {
            return;
        }
        byte[] line = Json.write(new Line(clock.getAsLong(), level, whole, message, fields, emf ? metrics : null));
        sink.write(line, whole ? level : minimum);
    }

    /**
     * One line's content. A class rather than a lambda: a lambda capturing these primitives makes the JVM spin
     * method-handle classes on the first invocation.
     */
    private final class Line implements Json.Writer {
        private final long now;
        private final Level level;
        private final boolean whole;
        private final String message;
        private final Map<String, ?> fields;
        private final MetricValues metrics;

        Line(long now, Level level, boolean whole, String message, Map<String, ?> fields, MetricValues metrics) {
            this.now = now;
            this.level = level;
            this.whole = whole;
            this.message = message;
            this.fields = fields;
            this.metrics = metrics;
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(now)));
            if (whole) {
                g.writeStringField("level", level.name());
                g.writeStringField("message", message);
            } else {
                g.writeStringField("message", METRICS_ONLY);
            }
            g.writeStringField(SERVICE, service);
            if (whole) {
                for (Map.Entry<String, ?> field : fields.entrySet()) {
                    writeField(g, field.getKey(), field.getValue());
                }
            } else {
                writeField(g, REQUEST_ID, fields.get(REQUEST_ID));
            }
            if (metrics != null) {
                writeMetrics(g, fields, metrics, !whole);
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /**
     * The metric values as members, then {@code _aws}: one directive per distinct list of dimension sets. A dimension
     * set is used when the line has every key of it ({@code service} always; the others as string fields).
     */
    private void writeMetrics(JsonGenerator g, Map<String, ?> fields, MetricValues metrics, boolean dimensionsToo)
            throws IOException {
        Map<List<List<String>>, List<Metric>> directives = new LinkedHashMap<>();
        for (Metric metric : METRICS) {
            if (!metrics.has(metric)) {
                continue;
            }
            List<List<String>> sets = new ArrayList<>(metric.dimensionSets().size());
            for (List<String> set : metric.dimensionSets()) {
                if (present(set, fields)) {
                    sets.add(set);
                }
            }
            List<Metric> named = directives.get(sets);
            if (named == null) {
                named = new ArrayList<>();
                directives.put(sets, named);
            }
            named.add(metric);
            g.writeNumberField(metric.metricName(), metrics.get(metric));
        }
        if (dimensionsToo) {
            Set<String> written = new HashSet<>();
            written.add(SERVICE);
            for (List<List<String>> sets : directives.keySet()) {
                for (List<String> set : sets) {
                    for (String key : set) {
                        if (written.add(key)) {
                            writeField(g, key, fields.get(key));
                        }
                    }
                }
            }
        }
        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", metrics.timestampMillis());
        g.writeArrayFieldStart("CloudWatchMetrics");
        for (Map.Entry<List<List<String>>, List<Metric>> directive : directives.entrySet()) {
            g.writeStartObject();
            g.writeStringField("Namespace", namespace);
            g.writeArrayFieldStart("Dimensions");
            for (List<String> set : directive.getKey()) {
                g.writeStartArray();
                for (String key : set) {
                    g.writeString(key);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("Metrics");
            for (Metric metric : directive.getValue()) {
                g.writeStartObject();
                g.writeStringField("Name", metric.metricName());
                g.writeStringField("Unit", metric.unit());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static boolean present(List<String> set, Map<String, ?> fields) {
        for (String key : set) {
            if (!key.equals(SERVICE) && !(fields.get(key) instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static void writeField(JsonGenerator g, String name, Object value) throws IOException {
        switch (value) {
            case null -> { }
            case String s -> g.writeStringField(name, s);
            case Integer i -> g.writeNumberField(name, i);
            case Long l -> g.writeNumberField(name, l);
            case Boolean b -> g.writeBooleanField(name, b);
            case Map<?, ?> map -> {
                g.writeObjectFieldStart(name);
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    writeField(g, String.valueOf(entry.getKey()), entry.getValue());
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeArrayFieldStart(name);
                for (Object item : list) {
                    g.writeString(String.valueOf(item));
                }
                g.writeEndArray();
            }
            default -> g.writeStringField(name, String.valueOf(value));
        }
    }
}
