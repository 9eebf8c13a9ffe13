package io.eventdedup.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Schema ids the registry said it does not have, each remembered for a while with the answer that said so. Bounded (least
 * recently used first out) and thread-safe; an entry is forgotten when its time is up, so an id registered later is asked again.
 * Why a miss expires at all, and the price of remembering it: {@link RegistryClientSettings#NOT_FOUND_CACHE_TTL}.
 */
final class NotFoundCache {
    private record Miss(String reason, long expiresAtNanos) {}

    private final BoundedCache<Integer, Miss> misses;
    private final long ttlNanos;
    private final LongSupplier nanoClock;

    /** @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests */
    NotFoundCache(int capacity, Duration ttl, LongSupplier nanoClock) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        this.misses = new BoundedCache<>(capacity);
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Why {@code id} is unknown, while that answer is fresh; null when the registry has to be asked. */
    String reason(int id) {
        Miss m = misses.get(id);
        if (m == null) return null;
        if (nanoClock.getAsLong() - m.expiresAtNanos >= 0) {
            misses.remove(id);
            return null;
        }
        return m.reason;
    }

    void remember(int id, String reason) {
        misses.put(id, new Miss(reason, nanoClock.getAsLong() + ttlNanos));
    }

    int size() {
        return misses.size();
    }

    void clear() {
        misses.clear();
    }
}
