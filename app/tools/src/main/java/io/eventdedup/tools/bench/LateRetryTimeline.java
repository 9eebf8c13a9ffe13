package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.tools.loadgen.LoadClock;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.VirtualClock;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the bench puts late retries (past the TTL, inside the observation window) into an input it pre-loads, so that the gate
 * finds them late by its own clock.
 *
 * <p>The gate judges a delivery's age by the wall clock at its dedup step ({@code topology/DedupClock}): a retry is late when the
 * gate reaches it more than the TTL after it reached the first delivery; record timestamps decide nothing (the timestamp extractor
 * only clamps them). Timestamps past the TTL would therefore not make a pre-loaded retry late; only the length of input between
 * the two deliveries does, read at the rate P the gate processes it. So the bench, when the workload has late retries:
 * <ul>
 *   <li>gives its sources short TTLs ({@link #TTL_ENTRIES}: TTL = R + k·L + B = 2.4 s + 2 × 3.3 s + 1 s = 10 s for both) and an
 *       observation factor of 4 (W = 40 s). Ten seconds, not fewer: a gate that stalls for seconds (start-up, a GC, a busy
 *       machine) between a first delivery and its ordinary retry must not see the retry past the TTL; with a TTL of 4.2 s, five of
 *       1.5 million ordinary retries were seen late in one run;</li>
 *   <li>writes the input on a {@link VirtualClock} paced at V records per second of its own time, V being the rate event-dedup is
 *       expected to process it at: a record d seconds of virtual time after another reaches the gate about d·V/P seconds after it.
 *       V is {@code --late-retry-pace} ({@link #NOMINAL_RATE} by default) for the main input, and for the pre-keyed input, written
 *       after the rounds, round 1's measured rate after RUNNING times {@link #PREKEYED_SPEEDUP}. (A warm-up's rate is no guide:
 *       measured at 3,600 records/s against 18,000 in the run that followed, on a cold JIT and dominated by start-up.) The input
 *       must be long: a late retry is 20 s × V records after its first delivery, 600,000 at the default pace, so an input needs
 *       about a million events for a few thousand late retries;</li>
 *   <li>sends each late retry {@value #LATE_SHARE_OF_WINDOW} × W (20 s) of virtual time after its first delivery: past the TTL
 *       and inside the window on the gate's clock for any P from 0.5 V to 2 V ({@link #processingRateBand()});</li>
 *   <li>shortens the senders' backoff to {@link #RETRY_INITIAL_BACKOFF} (every ordinary retry, key reuse and stale update within
 *       0.93 s of virtual time, so within the TTL for P down to a tenth of V);</li>
 *   <li>gives a late retry only to events whose late retry is due before the last new event ({@link #lateRetryBefore}): after the
 *       input's end there are no records to put the delay into.</li>
 * </ul>
 * Record timestamps are the virtual times, all before the pre-load starts (as those of every later round are): the keying step
 * writes such records with the wall clock, as it does any record older than the TTL.
 */
final class LateRetryTimeline {
    /** The bench sources' TTL terms when the workload has late retries: TTL 10 s, observation window 40 s, for both sources. */
    static final Map<String, String> TTL_ENTRIES = Map.of(
            "source.telemetry.retry.count", "1",
            "source.telemetry.retry.initial-backoff", "2s",
            "source.webhooks.retry.horizon", "2400ms",
            "ttl.latency-window", "3300ms",
            "ttl.network-buffer", "1s",
            "source.telemetry.observation-factor", "4",
            "source.webhooks.observation-factor", "4");
    /** Where in the observation window a late retry falls at the expected rate, as a share of it: 2 TTLs, the band's geometric middle. */
    static final double LATE_SHARE_OF_WINDOW = 0.5;
    /** The simulated senders' first backoff: a retry horizon of 0.93 s with the load generator's 5 retries, ×2, 20% jitter. */
    static final Duration RETRY_INITIAL_BACKOFF = Duration.ofMillis(25);
    /**
     * The default pace: about what event-dedup reaches after RUNNING on the shared 2-core machine of docs/performance.md, where it
     * varied from 22,000 to 42,000 records/s from one run to the next with the other work on the machine.
     */
    static final double NOMINAL_RATE = 30_000;
    /** event-dedup on pre-keyed input over event-dedup (no repartition hop): 1.28-1.49 in docs/performance.md. */
    static final double PREKEYED_SPEEDUP = 1.3;
    /** A lower bound of the records per logical event (1.27 with the bench's shares), for where the input ends. */
    static final double MIN_RECORDS_PER_EVENT = 1.2;
    /** Slack between the last late retry and the input's last new event, in virtual time. */
    static final Duration END_MARGIN = Duration.ofSeconds(1);

    private final double recordsPerSecond;
    private final long ttlMs;
    private final long windowMs;

    /**
     * @param recordsPerSecond V: the rate the gate is expected to process the input at
     * @param config           the configuration event-dedup reads the input with (its longest TTL and shortest window count)
     */
    LateRetryTimeline(double recordsPerSecond, AppConfig config) {
        this(recordsPerSecond, config.sources());
    }

    LateRetryTimeline(double recordsPerSecond, List<SourceConfig> sources) {
        if (!(recordsPerSecond > 0) || Double.isInfinite(recordsPerSecond)) throw new IllegalArgumentException("the pace must be positive, was " + recordsPerSecond);
        this.recordsPerSecond = recordsPerSecond;
        this.ttlMs = sources.stream().mapToLong(s -> s.ttlDuration().toMillis()).max().orElseThrow();
        this.windowMs = sources.stream().mapToLong(s -> s.observationWindow().toMillis()).min().orElseThrow();
        if (lateRetryDelay().toMillis() <= ttlMs) {
            throw new IllegalArgumentException("no late retry fits: " + LATE_SHARE_OF_WINDOW + " of the observation window (" + windowMs
                    + " ms) is not past the TTL (" + ttlMs + " ms); raise observation-factor");
        }
    }

    /** Whether a gate that processed {@code recordsPerSecond} found the late retries of this timeline late by its clock. */
    boolean lateAt(double recordsPerSecond) {
        double[] band = processingRateBand();
        return recordsPerSecond >= band[0] * this.recordsPerSecond && recordsPerSecond <= band[1] * this.recordsPerSecond;
    }

    double recordsPerSecond() {
        return recordsPerSecond;
    }

    Duration ttl() {
        return Duration.ofMillis(ttlMs);
    }

    Duration window() {
        return Duration.ofMillis(windowMs);
    }

    /** When a late retry follows its first delivery, in virtual time. */
    Duration lateRetryDelay() {
        return Duration.ofMillis(Math.round(windowMs * LATE_SHARE_OF_WINDOW));
    }

    /**
     * The processing rates, as multiples of V, at which a late retry lands past the TTL and inside the window on the gate's clock:
     * delay / window to delay / TTL.
     */
    double[] processingRateBand() {
        double delay = lateRetryDelay().toMillis();
        return new double[]{delay / windowMs, delay / ttlMs};
    }

    /**
     * The events that may have a late retry: those at least {@link #lateRetryDelay()} plus {@link #END_MARGIN} of virtual time
     * before the last new event, counting {@link #MIN_RECORDS_PER_EVENT} records per event; 0 when the input is shorter.
     */
    long lateRetryBefore(long events) {
        double seconds = (lateRetryDelay().toMillis() + END_MARGIN.toMillis()) / 1000.0;
        return Math.max(0, events - (long) Math.ceil(seconds * recordsPerSecond / MIN_RECORDS_PER_EVENT));
    }

    /**
     * {@code p} written at this pace, with {@code lateRetryShare} of its events retried late: its rate, the shortened backoff, the
     * late retries' delay and the events that may have one.
     */
    LoadProfile shape(LoadProfile p, double lateRetryShare) {
        return p.toBuilder().ratePerSecond(recordsPerSecond).retryInitialBackoff(RETRY_INITIAL_BACKOFF).lateRetryShare(lateRetryShare)
                .lateRetryDelay(lateRetryDelay()).lateRetryBefore(lateRetryBefore(p.events())).build();
    }

    /** A clock for writing {@code p}: virtual, starting far enough back that the input's timestamps end before now. */
    LoadClock clockFor(LoadProfile p, long nowMillis) {
        long span = (long) Math.ceil(p.events() * 1.5 * 1000 / recordsPerSecond);
        return new VirtualClock(nowMillis - span);
    }

    /** One line for the log: the pace, the TTL and window, the late retries' delay and the rates that keep them late. */
    String describe(long events) {
        double[] band = processingRateBand();
        return String.format(Locale.ROOT, "late retries: input paced at %,.0f records/s of virtual time; TTL %.1f s, observation window %.1f s; "
                        + "late retries %.1f s after their first delivery, for the first %,d of %,d events; late by the gate's clock if it processes "
                        + "%,.0f-%,.0f records/s", recordsPerSecond, ttlMs / 1000.0, windowMs / 1000.0, lateRetryDelay().toMillis() / 1000.0,
                lateRetryBefore(events), events, band[0] * recordsPerSecond, band[1] * recordsPerSecond);
    }
}
