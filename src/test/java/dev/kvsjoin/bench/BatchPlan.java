package dev.kvsjoin.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The joins of {@code bench/run --batch}, in the order both processes make them, cut into turns of one batch each:
 * join {@code k} is client {@code k / channels} of channel {@code k % channels}, so every (channel, client id) pair
 * is distinct and the channels get their clients in turn. {@link Options.Batch.Layout#SPREAD} keeps that order
 * (consecutive joins name distinct channels); {@link Options.Batch.Layout#GROUPED} puts each channel's clients
 * together.
 *
 * @param channels every channel's ARN, whether or not a join names it (the local endpoint knows them all)
 */
record BatchPlan(List<String> channels, List<Join> joins, int batchSize) {

    /**
     * The least time between two joins on one channel in a batch: the function's {@code BatchJoiner.CHANNEL_SPACING}
     * (the storage API takes 2 calls a second per channel), which {@link #pacedFloorNanos} models.
     */
    static final long CHANNEL_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** One join: a viewer on a channel. */
    record Join(String channelArn, String clientId) {
    }

    static BatchPlan of(Options.Batch batch) {
        List<String> channels = Soak.channels("batch", batch.channels(), batch.regions());
        List<Join> joins = new ArrayList<>();
        List<int[]> order = new ArrayList<>();
        for (int k = 0; k < batch.joins(); k++) {
            order.add(new int[] {k % batch.channels(), k / batch.channels()});
        }
        if (batch.layout() == Options.Batch.Layout.GROUPED) {
            order.sort(Comparator.<int[]>comparingInt(o -> o[0]).thenComparingInt(o -> o[1]));
        }
        for (int[] o : order) {
            joins.add(new Join(channels.get(o[0]), String.format(Locale.ROOT, "bench-viewer-%02d", o[1])));
        }
        return new BatchPlan(List.copyOf(channels), List.copyOf(joins), batch.batchSize());
    }

    /** Consecutive runs of {@link #batchSize} joins (the last may be shorter): one batch, or as many singles, each. */
    List<List<Join>> turns() {
        List<List<Join>> turns = new ArrayList<>();
        for (int from = 0; from < joins.size(); from += batchSize) {
            turns.add(joins.subList(from, Math.min(joins.size(), from + batchSize)));
        }
        return turns;
    }

    /** How many distinct channels the joins name. */
    static int distinctChannels(List<Join> joins) {
        return (int) joins.stream().map(Join::channelArn).distinct().count();
    }

    /**
     * The time from a batch's first join start to its last one's if every join took no time: the floor that the
     * function's pacing alone puts under a batch, as its {@code BatchJoiner} schedules one. The channels go to
     * {@code min(parallelism, channels)} workers in order of first appearance, a worker taking the next channel once
     * it has started its current channel's last item; every start is reserved from one invocation-wide pace, one
     * {@code 1 / joinsPerSecond} after the previous reservation, in the order the reservations are asked for; and a
     * channel's items start at least {@link #CHANNEL_SPACING_NANOS} apart.
     */
    static long pacedFloorNanos(List<Join> batch, int parallelism, int joinsPerSecond) {
        Map<String, Integer> perChannel = new LinkedHashMap<>();
        batch.forEach(join -> perChannel.merge(join.channelArn(), 1, Integer::sum));
        Deque<Integer> channels = new ArrayDeque<>(perChannel.values());
        long interval = TimeUnit.SECONDS.toNanos(1) / joinsPerSecond;
        // A worker's next reservation: when it asks, the earliest its channel allows, items left on its channel.
        record Ask(long at, long sequence, long earliest, int left) {
        }
        PriorityQueue<Ask> asks = new PriorityQueue<>(Comparator.comparingLong(Ask::at)
                .thenComparingLong(Ask::sequence));
        long sequence = 0;
        for (int i = Math.min(parallelism, channels.size()); i > 0; i--) {
            asks.add(new Ask(0, sequence++, 0, channels.poll()));
        }
        long next = 0;
        long last = 0;
        while (!asks.isEmpty()) {
            Ask ask = asks.poll();
            long start = Math.max(next, Math.max(ask.earliest(), ask.at()));
            next = start + interval;
            last = Math.max(last, start);
            if (ask.left() > 1) {
                asks.add(new Ask(start, sequence++, start + CHANNEL_SPACING_NANOS, ask.left() - 1));
            } else if (!channels.isEmpty()) {
                asks.add(new Ask(start, sequence++, start, channels.poll()));
            }
        }
        return last;
    }

    /** {@link #pacedFloorNanos} summed over every turn's batch, in seconds. */
    double pacedFloorSeconds(int parallelism, int joinsPerSecond) {
        long nanos = 0;
        for (List<Join> turn : turns()) {
            nanos += pacedFloorNanos(turn, parallelism, joinsPerSecond);
        }
        return nanos / 1e9;
    }
}
