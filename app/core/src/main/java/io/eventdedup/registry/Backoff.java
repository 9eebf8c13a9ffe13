package io.eventdedup.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/** Waits between retries: exponential with jitter, or what the registry asked for in {@code Retry-After}, never above the cap. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random; // uniform in [0, 1)

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /**
     * The wait before retry number {@code retry} (0 for the first retry). The exponential part is "equal jitter": half of it fixed,
     * so waits really grow, half random, so many clients that failed together do not retry together.
     */
    Duration delay(int retry, Optional<Duration> retryAfter) {
        // The cap applies to Retry-After too: the caller is a stream thread, and an unbounded wait would trip max.poll.interval.ms.
        if (retryAfter.isPresent()) return min(retryAfter.get(), max);
        long ceiling = initial.toNanos();
        for (int i = 0; i < retry && ceiling < max.toNanos(); i++) ceiling *= 2;
        ceiling = Math.min(ceiling, max.toNanos());
        long half = ceiling / 2;
        return Duration.ofNanos(half + (long) (random.getAsDouble() * (ceiling - half)));
    }

    /** Parses {@code Retry-After}: delay-seconds or an HTTP-date; empty when absent or unparseable. */
    static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) return Optional.empty();
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
