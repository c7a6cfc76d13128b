package dev.kvsjoin.join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Joins a batch's items through the {@link Joiner}, within the invocation's time and Kinesis Video's quotas:
 * at most {@code parallelism} joins at once, at most {@code joinsPerSecond} started a second, and items on one
 * channel one after the other, {@link #CHANNEL_SPACING} apart (the storage API takes 2 calls a second per channel).
 * A channel's first item looks its endpoint up (shared with the endpoint cache and any concurrent invocation); the
 * others reuse it. Duplicate (channel, client) pairs are joined once. Items that cannot start before the deadline are
 * {@link Reason#NOT_ATTEMPTED}: every item gets an outcome.
 */
public final class BatchJoiner {

    /** The least time between two joins on one channel: its quota is 2 a second. */
    static final Duration CHANNEL_SPACING = Duration.ofMillis(500);

    private final Joiner joiner;
    private final int parallelism;
    private final long nanosPerJoin;

    public BatchJoiner(Joiner joiner, int parallelism, int joinsPerSecond) {
        this.joiner = joiner;
        this.parallelism = parallelism;
        this.nanosPerJoin = TimeUnit.SECONDS.toNanos(1) / joinsPerSecond;
    }

    /** One item's outcome and how long it took ({@code 0} for items that made no call). */
    public record ItemOutcome(BatchRequest.Item item, Outcome outcome, long durationMs) {
    }

    /** A unique request's outcome, shared by the items that repeat it. */
    private record Done(Outcome outcome, long durationMs) {
    }

    /** Joins every item still pending within {@code budget}; the outcomes come back in the items' order. */
    public List<ItemOutcome> join(BatchRequest batch, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        // Each distinct request once, grouped by channel in request order; repeats share its outcome below.
        Set<JoinRequest> unique = new HashSet<>();
        Map<String, List<JoinRequest>> byChannel = new LinkedHashMap<>();
        for (BatchRequest.Item item : batch.items()) {
            if (item instanceof BatchRequest.ToJoin toJoin && unique.add(toJoin.request())) {
                byChannel.computeIfAbsent(toJoin.request().channelArn().value(), c -> new ArrayList<>())
                        .add(toJoin.request());
            }
        }
        Map<JoinRequest, Done> joined = joinAll(byChannel, deadline);
        List<ItemOutcome> outcomes = new ArrayList<>(batch.items().size());
        for (BatchRequest.Item item : batch.items()) {
            outcomes.add(switch (item) {
                case BatchRequest.ToJoin toJoin -> {
                    Done done = joined.get(toJoin.request());
                    yield new ItemOutcome(item, done.outcome(), done.durationMs());
                }
                case BatchRequest.Invalid invalid -> new ItemOutcome(item, Outcome.Rejected.invalid(invalid.problems()),
                        0);
                case BatchRequest.Refused refused -> new ItemOutcome(item, new Outcome.Rejected(refused.reason(),
                        refused.message(), List.of(), refused.request(), 0, null), 0);
                case BatchRequest.Carried carried -> new ItemOutcome(item, carried.joined()
                        ? new Outcome.Joined(carried.request(), null, 0, false)
                        : new Outcome.Rejected(carried.reason(), carried.message(), List.of(), carried.request(), 0,
                                null), 0);
            });
        }
        return outcomes;
    }

    private Map<JoinRequest, Done> joinAll(Map<String, List<JoinRequest>> byChannel, long deadline) {
        Map<JoinRequest, Done> results = new ConcurrentHashMap<>();
        if (byChannel.isEmpty()) {
            return results;
        }
        ConcurrentLinkedQueue<List<JoinRequest>> channels = new ConcurrentLinkedQueue<>(byChannel.values());
        Pace pace = new Pace(nanosPerJoin);
        int workers = Math.min(parallelism, byChannel.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
            Thread thread = new Thread(task, "kvsjoin-batch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    for (List<JoinRequest> channel = channels.poll(); channel != null; channel = channels.poll()) {
                        joinChannel(channel, pace, deadline, results);
                    }
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a batch worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        // Whatever a worker could not reach (interrupted) is reported, never dropped.
        byChannel.values().forEach(channel -> channel.forEach(
                request -> results.computeIfAbsent(request, BatchJoiner::notAttempted)));
        return results;
    }

    /** A channel's items in order, each started no sooner than the spacing and the invocation's pace allow. */
    private void joinChannel(List<JoinRequest> channel, Pace pace, long deadline,
                             Map<JoinRequest, Done> results) {
        long earliest = System.nanoTime();
        for (JoinRequest request : channel) {
            long start = pace.reserve(earliest);
            long budget = deadline - start;
            if (budget < TimeUnit.MILLISECONDS.toNanos(Joiner.MIN_CALL_TIME.toMillis()) || !sleepUntil(start)) {
                results.put(request, notAttempted(request));
                continue;
            }
            long started = System.nanoTime();
            Outcome outcome = joiner.join(request, Duration.ofNanos(deadline - started));
            results.put(request, new Done(outcome, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
            earliest = started + CHANNEL_SPACING.toNanos();
        }
    }

    private static Done notAttempted(JoinRequest request) {
        return new Done(new Outcome.Rejected(Reason.NOT_ATTEMPTED, "not attempted: the invocation ran out of time",
                List.of(), request, 0, null), 0);
    }

    private static boolean sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The invocation's join rate: hands out start times at least {@code interval} apart. */
    private static final class Pace {
        private final long interval;
        private long next = System.nanoTime();

        Pace(long interval) {
            this.interval = interval;
        }

        /** The time this join may start: no sooner than {@code earliest}, and one interval after the last. */
        synchronized long reserve(long earliest) {
            long start = Math.max(Math.max(next, earliest), System.nanoTime());
            next = start + interval;
            return start;
        }
    }
}
