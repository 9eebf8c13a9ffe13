package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The TTL of a source's dedup store, docs/design.md §3: {@code TTL = R + k·L + B}.
 *
 * <p>R is either given directly or derived from the sender's {@link BackoffSchedule}.
 */
public record TtlFormula(Duration retryHorizon, Optional<BackoffSchedule> schedule,
                         double overloadCoefficient, Duration latencyWindow, Duration networkBuffer) {

    public TtlFormula {
        Objects.requireNonNull(retryHorizon, "retryHorizon");
        Objects.requireNonNull(schedule, "schedule");
        if (retryHorizon.isNegative()) throw new IllegalArgumentException("R must be >= 0");
        if (!(overloadCoefficient >= 1.0)) throw new IllegalArgumentException("k must be >= 1, was " + overloadCoefficient);
        if (latencyWindow.isNegative()) throw new IllegalArgumentException("L must be >= 0");
        if (networkBuffer.isNegative()) throw new IllegalArgumentException("B must be >= 0");
    }

    public static TtlFormula withHorizon(Duration r, double k, Duration l, Duration b) {
        return new TtlFormula(r, Optional.empty(), k, l, b);
    }

    public static TtlFormula withSchedule(BackoffSchedule s, double k, Duration l, Duration b) {
        return new TtlFormula(s.horizon(), Optional.of(s), k, l, b);
    }

    /** k·L in milliseconds, rounded up. */
    public long latencyTermMillis() {
        return (long) Math.ceil(overloadCoefficient * latencyWindow.toMillis());
    }

    public Duration ttl() {
        return Duration.ofMillis(Math.addExact(Math.addExact(retryHorizon.toMillis(), latencyTermMillis()), networkBuffer.toMillis()));
    }

    public TtlDerivation derivation(String source) {
        return TtlDerivation.of(source, this);
    }
}
