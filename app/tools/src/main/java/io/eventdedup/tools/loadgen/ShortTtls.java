package io.eventdedup.tools.loadgen;

import io.eventdedup.config.SourceConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * TTLs of seconds for the shipped sources, so that a run of the demo (or a test) can send late retries — past the TTL, inside the
 * observation window — without waiting days: TTL = R + k·L + B with R = 3.6 s (telemetry: 2 retries, 1 s and 2 s, 20% jitter) or
 * 4 s (webhooks), k·L = 2 × 10 s and B = 1 s, so 24.6 s and 25 s, and observation windows of 3 × TTL, 73.8 s and 75 s. Every
 * retry the generator makes by default falls within its 3.72 s retry horizon, far inside these TTLs. L and the factor are larger
 * than a quiet machine needs because a run sent as fast as possible makes the gate lag, by tens of seconds on a loaded machine: a
 * first delivery seen late shortens the delay the gate measures for its late retry (sent when the gate has caught up), and the late
 * retry must still be past the TTL, while a retry seen later than its first delivery by more than TTL − 3.72 s would look late.
 * Measured in the demo on a shared 2-core machine: with L = 5 s and factor 2, 213 late retries sent 22.1 s after their first
 * delivery were all seen within 13.4 s; with L = 5 s and factor 3 (sent after 38 s) 38 were seen inside the 15 s TTL and 8 normal
 * retries past it.
 */
public final class ShortTtls {
    private ShortTtls() {}

    /** Configuration entries over the defaults. */
    public static Map<String, String> entries() {
        return Map.of(
                "source.telemetry.retry.count", "2",
                "source.webhooks.retry.horizon", "4s",
                "ttl.latency-window", "10s",
                "ttl.network-buffer", "1s",
                "source.telemetry.observation-factor", "3",
                "source.webhooks.observation-factor", "3");
    }

    /**
     * When to send a late retry after its first delivery: four fifths of the way from the longest TTL to the shortest observation
     * window of {@code sources}. The gate measures the delay from when it saw the first delivery, so a first delivery it saw late
     * (a run sent as fast as possible lags by seconds) shortens that delay by its lag, while the late retry itself comes when the gate
     * has caught up: the delay is put near the window's end, so that lags of up to 0.8 × (window − TTL) (39 s here) still land
     * the late retry past the TTL.
     *
     * @throws IllegalArgumentException when no delay is past every TTL and inside every window
     */
    public static Duration lateRetryDelay(List<SourceConfig> sources) {
        long ttl = sources.stream().mapToLong(s -> s.ttlDuration().toMillis()).max().orElseThrow();
        long window = sources.stream().mapToLong(s -> s.observationWindow().toMillis()).min().orElseThrow();
        if (window <= ttl) throw new IllegalArgumentException("no delay is past every TTL (" + ttl + " ms) and inside every observation window ("
                + window + " ms); raise observation-factor");
        return Duration.ofMillis(ttl + (window - ttl) * 4 / 5);
    }
}
