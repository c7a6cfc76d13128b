package dev.kvsjoin.log;

/**
 * The metric values one log line carries, and the time CloudWatch files them under. The time is when the invocation
 * started, as Lambda timestamps its own metrics ("the timestamp on a metric reflects when the function was invoked"),
 * so the function's metrics and Lambda's fall in the same period and can be combined in metric math.
 */
public final class MetricValues {

    private static final int COUNT = Metric.values().length;

    private final long timestampMillis;
    /** Values by the metric's ordinal, and which are set: plain arrays, no collection classes to load. */
    private final long[] values = new long[COUNT];
    private final boolean[] set = new boolean[values.length];
    private boolean empty = true;

    /** @param timestampMillis when the invocation started, in milliseconds since the epoch */
    public MetricValues(long timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    /** Sets one metric's value; a later value replaces an earlier one. */
    public MetricValues put(Metric metric, long value) {
        values[metric.ordinal()] = value;
        set[metric.ordinal()] = true;
        empty = false;
        return this;
    }

    /** Sets a count to 1 when {@code happened}, else to 0. */
    public MetricValues put(Metric metric, boolean happened) {
        return put(metric, happened ? 1L : 0L);
    }

    long timestampMillis() {
        return timestampMillis;
    }

    boolean isEmpty() {
        return empty;
    }

    boolean has(Metric metric) {
        return set[metric.ordinal()];
    }

    long get(Metric metric) {
        return values[metric.ordinal()];
    }
}
