package io.eventdedup.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class NotFoundCacheTest {
    private final AtomicLong nanos = new AtomicLong(-5_000); // nanoTime may be negative: only differences count

    @Test
    void aMissIsKnownUntilItsTimeIsUpThenForgotten() {
        NotFoundCache cache = new NotFoundCache(10, Duration.ofSeconds(60), nanos::get);
        cache.remember(3, "id 3 not found");

        nanos.addAndGet(Duration.ofSeconds(60).toNanos() - 1);
        assertThat(cache.reason(3)).isEqualTo("id 3 not found");
        nanos.incrementAndGet();
        assertThat(cache.reason(3)).isNull();
        assertThat(cache.size()).as("an expired entry is dropped when met").isZero();
    }

    @Test
    void theCacheIsBoundedAndDropsTheLeastRecentlyUsedMiss() {
        NotFoundCache cache = new NotFoundCache(2, Duration.ofSeconds(60), nanos::get);
        cache.remember(1, "a");
        cache.remember(2, "b");
        cache.reason(1); // 1 is now the most recently used
        cache.remember(3, "c");

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.reason(2)).isNull();
        assertThat(cache.reason(1)).isEqualTo("a");
        assertThat(cache.reason(3)).isEqualTo("c");
    }
}
