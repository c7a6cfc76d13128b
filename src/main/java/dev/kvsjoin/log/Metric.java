package dev.kvsjoin.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Every metric the function embeds in its log lines (CloudWatch embedded metric format), with its unit and the
 * dimension sets it is published under. The dimension keys are log keys the line already carries ({@code service},
 * {@code trigger}, {@code error_code}), so one member is both the log field Logs Insights groups by and the
 * dimension CloudWatch splits the metric by. A dimension set applies to a line only when the line has every key of
 * it: {@code error_code} exists on failures only.
 *
 * <p>Counts are 0 or 1 per line rather than written only when they happen: {@code Sum} counts the events,
 * {@code Average} is their ratio, and {@code SampleCount} the lines that carried the metric.
 *
 * <p>Per join outcome (every single join, every batch item): {@link #JOINED}, {@link #FAILED}, and for requests
 * that passed validation {@link #JOIN_DURATION}, {@link #JOIN_ATTEMPTS}, plus {@link #ENDPOINT_CACHE_HIT} for joins.
 * Per invocation (the single join's line, or a batch's summary line): {@link #COLD_START}, {@link #ERRORS_RAISED}.
 * Per batch (its summary line): {@link #BATCH_ITEMS}, {@link #BATCH_DURATION}.
 */
public enum Metric {

    /** 1 when the outcome is a join, else 0. By trigger too: who is being served. */
    JOINED("Joined", "Count", by("trigger")),
    /** 1 when the outcome is a failure, else 0. By trigger, and by {@code error_code} (the reason) on failures. */
    FAILED("Failed", "Count", by("trigger", "error_code")),
    /** The join's duration, as {@code duration_ms}: Kinesis Video calls, retries and backoff included. */
    JOIN_DURATION("JoinDuration", "Milliseconds", by()),
    /** HTTP requests sent to Kinesis Video for the join, retries included, as {@code attempts}. */
    JOIN_ATTEMPTS("JoinAttempts", "Count", by()),
    /** 1 when a join used a cached endpoint (no lookup), else 0: {@code Average} is the hit ratio. */
    ENDPOINT_CACHE_HIT("EndpointCacheHit", "Count", by()),
    /** 1 on an instance's first invocation (and the first after a SnapStart restore), else 0. */
    COLD_START("ColdStart", "Count", by()),
    /**
     * 1 when the invocation ended in an error the function raised on purpose (a join error thrown to Step Functions,
     * a direct or an asynchronous caller), else 0. Lambda counts these in its {@code Errors} metric too:
     * {@code Errors - ErrorsRaised} are the errors the function did not choose (timeouts, crashes, init failures).
     */
    ERRORS_RAISED("ErrorsRaised", "Count", by()),
    /** Items in a batch request. */
    BATCH_ITEMS("BatchItems", "Count", by()),
    /** A batch's duration, every item included. */
    BATCH_DURATION("BatchDuration", "Milliseconds", by());

    private final String metricName;
    private final String unit;
    private final List<List<String>> dimensionSets;

    Metric(String metricName, String unit, List<List<String>> dimensionSets) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimensionSets = dimensionSets;
    }

    /** The metric's name in CloudWatch, and the log line member holding its value. */
    public String metricName() {
        return metricName;
    }

    /** The CloudWatch unit: {@code Count} or {@code Milliseconds}. */
    public String unit() {
        return unit;
    }

    /** Every dimension set the metric may be published under; each starts with {@code service}. */
    public List<List<String>> dimensionSets() {
        return dimensionSets;
    }

    /** {@code [service]}, then {@code [service, key]} for each key given. */
    private static List<List<String>> by(String... keys) {
        List<List<String>> sets = new ArrayList<>(keys.length + 1);
        sets.add(List.of(Log.SERVICE));
        for (String key : keys) {
            sets.add(List.of(Log.SERVICE, key));
        }
        return List.copyOf(sets);
    }
}
