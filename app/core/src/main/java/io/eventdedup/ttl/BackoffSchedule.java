package io.eventdedup.ttl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A sender's retry schedule: {@code n} retries, initial backoff {@code b}, multiplier {@code m},
 * backoff cap {@code c}, jitter fraction {@code j}. Its horizon is the R term of docs/design.md §3:
 * {@code R = (1 + j) · Σ_{i=0}^{n-1} min(b·m^i, c)}.
 */
public record BackoffSchedule(int retries, Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter) {

    public BackoffSchedule {
        if (retries < 0) throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        if (initialBackoff.isNegative()) throw new IllegalArgumentException("initial backoff must be >= 0");
        if (!(multiplier >= 1.0)) throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        if (maxBackoff.compareTo(initialBackoff) < 0) throw new IllegalArgumentException("backoff cap must be >= initial backoff");
        if (!(jitter >= 0.0 && jitter <= 1.0)) throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
    }

    /** Each retry's nominal wait before jitter: {@code min(b·m^i, c)} for i = 0..n-1, in milliseconds. */
    public List<Double> waitsMillis() {
        List<Double> waits = new ArrayList<>(retries);
        double cap = maxBackoff.toMillis();
        double wait = initialBackoff.toMillis();
        for (int i = 0; i < retries; i++) {
            waits.add(Math.min(wait, cap));
            wait = Math.min(wait * multiplier, cap); // stays at the cap; never overflows for large n
        }
        return waits;
    }

    /** R in milliseconds, rounded up so the horizon never undershoots the schedule. */
    public long horizonMillis() {
        double sum = 0;
        for (double w : waitsMillis()) sum += w;
        return (long) Math.ceil((1.0 + jitter) * sum);
    }

    public Duration horizon() {
        return Duration.ofMillis(horizonMillis());
    }
}
