package dev.kvsjoin.join;

import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.kinesisvideowebrtcstorage.KinesisVideoWebRtcStorageClient;

/**
 * Each channel's WEBRTC endpoint and the storage client bound to it, kept across warm invocations: least recently
 * used entries go first once the cache is full, and an entry expires after its time to live. Closing an entry's
 * client leaves the shared HTTP client open.
 */
public final class EndpointCache {

    /** A channel's endpoint and the client that calls it. */
    record Entry(URI endpoint, KinesisVideoWebRtcStorageClient client, long expiresAtNanos) {
    }

    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    public EndpointCache(int maxEntries, Duration ttl, LongSupplier nanoClock) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The live entry for a channel, or {@code null}; an expired one is dropped. */
    synchronized Entry get(String channelArn) {
        Entry entry = entries.get(channelArn);
        if (entry != null && nanoClock.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(channelArn);
            entry.client().close();
            return null;
        }
        return entry;
    }

    synchronized Entry put(String channelArn, URI endpoint, KinesisVideoWebRtcStorageClient client) {
        Entry entry = new Entry(endpoint, client, nanoClock.getAsLong() + ttlNanos);
        Entry previous = entries.put(channelArn, entry);
        if (previous != null) {
            previous.client().close();
        }
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() > maxEntries) {
            eldest.next().getValue().client().close();
            eldest.remove();
        }
        return entry;
    }

    /** Drops a channel's entry if it is still {@code entry}, closing its client. */
    synchronized void evict(String channelArn, Entry entry) {
        if (entries.remove(channelArn, entry)) {
            entry.client().close();
        }
    }

    /** Drops every entry (after a SnapStart restore, so that no connection of the snapshot is reused). */
    public synchronized void clear() {
        entries.values().forEach(e -> e.client().close());
        entries.clear();
    }

    public synchronized int size() {
        return entries.size();
    }
}
