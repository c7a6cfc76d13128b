package dev.kvsjoin.join;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Each channel's WEBRTC endpoint, kept across warm invocations: least recently used entries go first once the cache
 * is full, and an entry expires after its time to live.
 */
public final class EndpointCache {

    /** A channel's endpoint and when it stops being used. */
    record Entry(URI endpoint, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries;

    public EndpointCache(int maxEntries, Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EndpointCache.Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The live entry for a channel, or {@code null}; an expired one is dropped. */
    synchronized Entry get(String channelArn) {
        Entry entry = entries.get(channelArn);
        if (entry != null && nanoClock.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(channelArn);
            return null;
        }
        return entry;
    }

    synchronized Entry put(String channelArn, URI endpoint) {
        Entry entry = new Entry(endpoint, nanoClock.getAsLong() + ttlNanos);
        entries.put(channelArn, entry);
        return entry;
    }

    /** Drops a channel's entry if it is still {@code entry}. */
    synchronized void evict(String channelArn, Entry entry) {
        entries.remove(channelArn, entry);
    }

    /** Drops every entry (after a SnapStart restore, so that endpoints are looked up afresh). */
    public synchronized void clear() {
        entries.clear();
    }

    public synchronized int size() {
        return entries.size();
    }
}
