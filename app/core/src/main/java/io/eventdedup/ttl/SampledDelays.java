package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** Retry delays as individual samples (the {@code delay_ms} of audit records): exact quantiles by nearest rank. */
public final class SampledDelays implements MeasuredDelays {
    private long[] delays = new long[16];
    private int size;
    private boolean sorted = true;

    public void add(long delayMs) {
        if (delayMs < 0) throw new IllegalArgumentException("a delay is never negative: " + delayMs);
        if (size == delays.length) delays = Arrays.copyOf(delays, size * 2);
        if (size > 0 && delayMs < delays[size - 1]) sorted = false;
        delays[size++] = delayMs;
    }

    @Override
    public long count() {
        return size;
    }

    @Override
    public long countAtOrPast(Duration ttl) {
        long ttlMs = ttl.toMillis();
        long n = 0;
        for (int i = 0; i < size; i++) if (delays[i] >= ttlMs) n++;
        return n;
    }

    /** Nearest rank: the smallest measured delay d such that at least q of the retries took d or less; that horizon + 1 ms catches them. */
    @Override
    public Optional<Duration> horizonCovering(double q) {
        if (size == 0) return Optional.empty();
        sort();
        int rank = (int) Math.ceil(q * size);
        return Optional.of(Duration.ofMillis(delays[Math.max(0, Math.min(size, rank) - 1)] + 1));
    }

    @Override
    public String precision() {
        return "exact, from " + size + " audit records";
    }

    private void sort() {
        if (sorted) return;
        Arrays.sort(delays, 0, size);
        sorted = true;
    }
}
