package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.tools.loadgen.LoadClock;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.VirtualClock;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The late retries of one pre-loaded input, sent live as a <em>late tail</em>: the gate judges a delivery's age by the wall clock
 * at its dedup step ({@code topology/DedupClock}), so a retry is late only if the gate reaches it more than the TTL after it reached
 * the first delivery, and no placement in a pre-loaded input guarantees that (the dedup sub-topology of a repartitioned run lags
 * behind keying, then drains its backlog fast). So the input is pre-loaded without them ({@link #shape}: the load generator holds
 * them back), and once the run has processed and committed the whole input, the bench waits until more than the TTL has passed
 * since that commit ({@link #sendableAt}) and {@link #send}s them to the same input topics while the application still runs: each
 * event's first delivery's payload again, as one more attempt of its sender. The ledger then counts them as late retries, expected
 * forwarded again and marked {@code dedup.late-retry}.
 *
 * <p>The bench's sources, when the workload has late retries ({@link #TTL_ENTRIES}): TTL = R + k·L + B = 2.4 s + 2 × 3.3 s + 1 s =
 * 10 s for both (ten seconds, not fewer: a gate that stalls for seconds between a first delivery and its ordinary retry must not
 * see the retry past the TTL), and an observation factor of {@value #OBSERVATION_FACTOR}: a window of 10 minutes, which must
 * cover the time from a run's first record to its tail (the run, the wait, the tail), far more than a reconciled run of a few
 * million events takes on the machine of docs/performance.md.
 *
 * <p>Ordinary retries, key reuses and stale updates stay in the pre-loaded input, and must reach the gate within the TTL of their
 * first delivery whatever the rate the input is written or read at: the input is written on a {@link VirtualClock} at
 * {@value #PACE} records per second of its own time with the senders' first backoff shortened to {@link #RETRY_INITIAL_BACKOFF}
 * (every such redelivery within 0.93 s of virtual time, about 28,000 records, of its first delivery: within the TTL for a gate
 * processing more than 2,800 records/s).
 */
final class LateTail {
    /** Both sources' observation factor with late retries: window = 60 × TTL = 10 min. */
    static final String OBSERVATION_FACTOR = "60";
    /** The bench sources' TTL terms when the workload has late retries: TTL 10 s, observation window 10 min, for both sources. */
    static final Map<String, String> TTL_ENTRIES = Map.of(
            "source.telemetry.retry.count", "1",
            "source.telemetry.retry.initial-backoff", "2s",
            "source.webhooks.retry.horizon", "2400ms",
            "ttl.latency-window", "3300ms",
            "ttl.network-buffer", "1s",
            "source.telemetry.observation-factor", OBSERVATION_FACTOR,
            "source.webhooks.observation-factor", OBSERVATION_FACTOR);
    /** Records per second of virtual time the pre-loaded input is written at. */
    static final double PACE = 30_000;
    /** The simulated senders' first backoff: a retry horizon of 0.93 s with the load generator's 5 retries, ×2, 20% jitter. */
    static final Duration RETRY_INITIAL_BACKOFF = Duration.ofMillis(25);
    /** How much more than the TTL the tail waits after the run's last commit (the commit is seen up to a poll late). */
    static final Duration MARGIN = Duration.ofSeconds(1);

    private final LoadGenerator generator;
    private LoadLedger ledger;

    /** @param generator the generator that pre-loaded the input, its late retries held back */
    LateTail(LoadGenerator generator) {
        this.generator = generator;
    }

    /** {@code p} as pre-loaded with a tail of {@code lateRetryShare} of its events: paced, the shortened backoff, late retries held. */
    static LoadProfile shape(LoadProfile p, double lateRetryShare) {
        return p.toBuilder().ratePerSecond(PACE).retryInitialBackoff(RETRY_INITIAL_BACKOFF).lateRetryShare(lateRetryShare)
                .lateRetryDelay(Duration.ZERO).build();
    }

    /** A clock for writing {@code p}: virtual, starting far enough back that the input's timestamps end before now. */
    static LoadClock clockFor(LoadProfile p, long nowMillis) {
        long span = (long) Math.ceil(p.events() * 1.5 * 1000 / PACE);
        return new VirtualClock(nowMillis - span);
    }

    /** When the tail may be sent: more than the longest TTL of {@code config}'s sources after {@code lastCommitMillis}. */
    static long sendableAt(long lastCommitMillis, AppConfig config) {
        return lastCommitMillis + ttl(config).plus(MARGIN).toMillis();
    }

    static Duration ttl(AppConfig config) {
        return Duration.ofMillis(config.sources().stream().mapToLong(s -> s.ttlDuration().toMillis()).max().orElseThrow());
    }

    static Duration window(AppConfig config) {
        return Duration.ofMillis(config.sources().stream().mapToLong(s -> s.observationWindow().toMillis()).min().orElseThrow());
    }

    /** One line for the log: the TTL, the window and what it must cover, the pace. */
    static String describe(AppConfig config) {
        return String.format(Locale.ROOT, "late retries: sent live as a late tail once a reconciled run has committed its input and "
                        + "more than the TTL (%.1f s) has passed; observation window %.0f s (factor %s), to cover the run, the wait and the tail; "
                        + "input paced at %,.0f records/s of virtual time", ttl(config).toMillis() / 1000.0,
                window(config).toMillis() / 1000.0, OBSERVATION_FACTOR, PACE);
    }

    /** Late retries held for the tail. */
    int size() {
        return generator.lateTailSize();
    }

    /** Sends the tail now (once) through {@code producer} and returns the ledger of the whole input, late retries included. */
    LoadLedger send(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer) {
        ledger = generator.sendLateTail(producer);
        return ledger;
    }

    /** The ledger of the whole input once the tail has been sent; empty before. */
    Optional<LoadLedger> ledger() {
        return Optional.ofNullable(ledger);
    }

    /** Whether {@code source}'s window covers {@code elapsed}: for the log, the reconciliation is the judge. */
    static boolean windowCovers(AppConfig config, Duration elapsed) {
        for (SourceConfig s : config.sources()) if (s.observationWindow().compareTo(elapsed) <= 0) return false;
        return true;
    }
}
