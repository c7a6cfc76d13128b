package dev.kvsjoin.log;

import java.util.EnumMap;
import java.util.Map;

/**
 * The metric values one log line carries, and the time CloudWatch files them under. The time is when the invocation
 * started, as Lambda timestamps its own metrics ("the timestamp on a metric reflects when the function was invoked"),
 * so the function's metrics and Lambda's fall in the same period and can be combined in metric math.
 */
public final class MetricValues {

    private final long timestampMillis;
    private final Map<Metric, Long> values = new EnumMap<>(Metric.class);

    /** @param timestampMillis when the invocation started, in milliseconds since the epoch */
    public MetricValues(long timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    /** Sets one metric's value; a later value replaces an earlier one. */
    public MetricValues put(Metric metric, long value) {
        values.put(metric, value);
        return this;
    }

    /** Sets a count to 1 when {@code happened}, else to 0. */
    public MetricValues put(Metric metric, boolean happened) {
        return put(metric, happened ? 1L : 0L);
    }

    long timestampMillis() {
        return timestampMillis;
    }

    Map<Metric, Long> values() {
        return values;
    }
}
