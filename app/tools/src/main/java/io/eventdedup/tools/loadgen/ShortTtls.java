package io.eventdedup.tools.loadgen;

import io.eventdedup.config.SourceConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * TTLs of seconds for the shipped sources, so that a run of the demo (or a test) can send late retries — past the TTL, inside the
 * observation window — without waiting days: TTL = R + k·L + B with R = 3.6 s (telemetry: 2 retries, 1 s and 2 s, 20% jitter) or
 * 4 s (webhooks), k·L = 2 × 5 s and B = 1 s, so 14.6 s and 15 s, observation windows 29.2 s and 30 s (factor 2). Every retry the
 * generator makes by default falls within its 3.72 s retry horizon, far inside these TTLs.
 */
public final class ShortTtls {
    private ShortTtls() {}

    /** Configuration entries over the defaults. */
    public static Map<String, String> entries() {
        return Map.of(
                "source.telemetry.retry.count", "2",
                "source.webhooks.retry.horizon", "4s",
                "ttl.latency-window", "5s",
                "ttl.network-buffer", "1s");
    }

    /**
     * When to send a late retry after its first delivery: halfway between the longest TTL and the shortest observation window of
     * {@code sources}, so that a few seconds of processing lag either way still land it past the TTL and inside the window.
     *
     * @throws IllegalArgumentException when no delay is past every TTL and inside every window
     */
    public static Duration lateRetryDelay(List<SourceConfig> sources) {
        long ttl = sources.stream().mapToLong(s -> s.ttlDuration().toMillis()).max().orElseThrow();
        long window = sources.stream().mapToLong(s -> s.observationWindow().toMillis()).min().orElseThrow();
        if (window <= ttl) throw new IllegalArgumentException("no delay is past every TTL (" + ttl + " ms) and inside every observation window ("
                + window + " ms); raise observation-factor");
        return Duration.ofMillis((ttl + window) / 2);
    }
}
