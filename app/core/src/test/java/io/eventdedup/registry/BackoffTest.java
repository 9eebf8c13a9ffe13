package io.eventdedup.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    private static long[] millis(double random) {
        Backoff b = new Backoff(INITIAL, MAX, () -> random);
        return IntStream.range(0, 6).mapToLong(i -> b.delay(i, Optional.empty()).toMillis()).toArray();
    }

    @Test
    void delaysDoubleFromInitialUpToTheCapWithHalfOfEachJittered() {
        assertThat(millis(0.0)).containsExactly(50, 100, 200, 400, 500, 500);
        assertThat(millis(0.999999)).containsExactly(99, 199, 399, 799, 999, 999);
    }

    @Test
    void retryAfterReplacesTheExponentialDelayButNotTheCap() {
        Backoff b = new Backoff(INITIAL, MAX, () -> 0.5);

        assertThat(b.delay(0, Optional.of(Duration.ofMillis(700)))).isEqualTo(Duration.ofMillis(700));
        assertThat(b.delay(0, Optional.of(Duration.ofMinutes(5)))).isEqualTo(MAX);
    }

    @Test
    void retryAfterParsesSecondsAndHttpDatesAndIgnoresGarbage() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        assertThat(Backoff.parseRetryAfter("7", now)).contains(Duration.ofSeconds(7));
        assertThat(Backoff.parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(Backoff.parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(Backoff.parseRetryAfter("soon", now)).isEmpty();
        assertThat(Backoff.parseRetryAfter("-3", now)).isEmpty();
        assertThat(Backoff.parseRetryAfter(null, now)).isEmpty();
    }
}
