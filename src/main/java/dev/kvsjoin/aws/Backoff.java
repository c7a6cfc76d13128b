package dev.kvsjoin.aws;

import java.time.Duration;
import java.util.Random;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Exponential backoff with full jitter: a delay drawn uniformly from zero to {@code base * 2^(attempt - 1)}, capped
 * at {@code max}. The SDK's own jittered strategies draw from {@code ThreadLocalRandom}, whose seeding a SnapStart
 * snapshot would share between every restored instance, so their retries would stay in step; this one draws from a
 * generator that {@link #reseed()} replaces after each restore.
 */
final class Backoff implements BackoffStrategy {

    private final long baseMillis;
    private final long maxMillis;
    private volatile Random random = new Random();

    Backoff(Duration base, Duration max) {
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
    }

    @Override
    public Duration computeDelay(int attempt) {
        int doublings = Math.min(Math.max(attempt, 1) - 1, 30);
        long ceiling = Math.min(maxMillis, baseMillis << doublings);
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /** A new generator, seeded from this instance's clock rather than the snapshot's. */
    void reseed() {
        random = new Random();
    }
}
