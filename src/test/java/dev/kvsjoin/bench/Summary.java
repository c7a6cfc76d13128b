package dev.kvsjoin.bench;

import java.util.Arrays;
import java.util.Collection;

/** Median, minimum and maximum of one metric over a build's runs; percentiles of a sample by nearest rank. */
record Summary(double median, double min, double max, int count) {

    static Summary of(Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Summary(median, sorted[0], sorted[n - 1], n);
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} percent of the sample at or below it. */
    static double percentile(double[] sample, double p) {
        if (sample.length == 0) {
            return Double.NaN;
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
