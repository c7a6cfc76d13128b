package dev.kvsjoin.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final URI endpoint = URI.create("https://r-1234.kinesisvideo.us-west-2.amazonaws.com");

    @Test
    void get_beforeTtl_returnsEntryAndAfterTtl_dropsIt() {
        EndpointCache cache = new EndpointCache(4, Duration.ofSeconds(10), now::get);
        cache.put("a", endpoint);

        now.set(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(cache.get("a")).isNotNull().extracting(EndpointCache.Entry::endpoint).isEqualTo(endpoint);

        now.set(Duration.ofSeconds(10).toNanos());
        assertThat(cache.get("a")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void put_whenFull_dropsLeastRecentlyUsed() {
        EndpointCache cache = new EndpointCache(2, Duration.ofMinutes(5), now::get);
        cache.put("a", endpoint);
        cache.put("b", endpoint);
        cache.get("a");

        cache.put("c", endpoint);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isNotNull();
        assertThat(cache.get("c")).isNotNull();
    }

    @Test
    void evict_whenEntryWasReplaced_keepsTheNewOne() {
        EndpointCache cache = new EndpointCache(2, Duration.ofMinutes(5), now::get);
        EndpointCache.Entry old = cache.put("a", endpoint);
        EndpointCache.Entry fresh = cache.put("a", URI.create("https://r-5678.kinesisvideo.us-west-2.amazonaws.com"));

        cache.evict("a", old);

        assertThat(cache.get("a")).isSameAs(fresh);
        cache.evict("a", fresh);
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void clear_dropsEverything() {
        EndpointCache cache = new EndpointCache(2, Duration.ofMinutes(5), now::get);
        cache.put("a", endpoint);

        cache.clear();

        assertThat(cache.size()).isZero();
    }
}
