package io.eventdedup.tools.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link LoadGenerator} run sends: how many logical events, how fast, and how badly the simulated senders behave. Build one
 * with {@link #builder()} (every value starts at the default below) or {@link #defaults()}; the canonical constructor validates
 * every value and reports all problems at once.
 *
 * <p>A <em>logical event</em> is one business event (one telemetry reading batch, one webhook) that must reach the output topic
 * exactly once. Everything else the generator sends — retries, replays, payload mismatches, malformed records — is extra records
 * around those events.
 *
 * @param events                  logical events to send (default 20,000)
 * @param ratePerSecond           records per second, every record counted (first deliveries, retries, replays, malformed); 0 sends
 *                                as fast as the producer takes them (default 0)
 * @param duplicateRatio          extra deliveries of an identical payload per logical event, on average: retries plus batch
 *                                replays (default 0.25)
 * @param tenants                 number of tenants (default 200)
 * @param tenantSkew              Zipf exponent of the tenant distribution: tenant of rank r gets a share ∝ 1/r^s; 0 is uniform
 *                                (default 1.1)
 * @param webhookShare            share of logical events that are webhooks; the rest are telemetry (default 0.3)
 * @param mismatchShare           share of logical events whose key a sender reuses once for a different payload, which the app
 *                                must send to the DLQ as PAYLOAD_MISMATCH (default 0.005)
 * @param noKeyShare              share of telemetry events sent without an idempotency key ({@code event_id ""}, no header), which
 *                                the app keys by payload fingerprint (default 0.1)
 * @param nullRecordKeyShare      share of logical events whose records carry no Kafka record key (default 0.05)
 * @param malformedShare          malformed records per logical event, on average: undecodable bytes, truncated Avro, unknown
 *                                schema id, missing tenant, webhook without any key (default 0.01)
 * @param replayShare             share of the duplicate deliveries that come from upstream replays of whole batches rather than
 *                                from sender retries (default 0.2)
 * @param replayBatchSize         records re-sent verbatim by one replay: the last N records sent (default 50)
 * @param crossPartitionShare     share of retries sent to a different partition than the first delivery (default 0.3)
 * @param idempotencyHeaderShare  share of webhooks that carry an {@code Idempotency-Key} header (default 0.5)
 * @param tenantHeaderShare       share of logical events that carry an {@code X-Tenant-Id} header (default 0.3)
 * @param maxRetries              most retries one sender makes for one event (default 5)
 * @param retryInitialBackoff     the sender's first backoff (default 100 ms)
 * @param retryMultiplier         backoff multiplier per retry, at least 1 (default 2)
 * @param retryJitter             each backoff is stretched by a random factor in [1, 1 + jitter) (default 0.2)
 * @param seed                    seeds every random choice; with a {@link LoadClock} that is itself deterministic, a run is
 *                                reproducible record for record (default 42)
 * @param telemetryPayloadBytes   approximate Avro size of a telemetry event (default 250)
 * @param webhookBodyBytes        approximate size of a webhook's JSON body (default 1024)
 * @param staleShare              share of webhook events followed by an older update of the same object ({@code object_id},
 *                                {@code object_version} one lower, another key), delivered after it: STALE where the webhooks
 *                                source checks staleness by those fields (the demo's does), UNIQUE elsewhere, so leave it 0 there
 *                                (default 0)
 * @param lateRetryShare          share of logical events that get one more retry of the same payload {@code lateRetryDelay} after
 *                                their first delivery: past the TTL, a <em>late retry</em> the app forwards again, marked (default 0)
 * @param lateRetryDelay          when a late retry is sent after the first delivery; must be past every other retry, and should lie
 *                                between the sources' TTL and their observation window. 0 (the default) holds the late retries back
 *                                for a <em>late tail</em>: {@link LoadGenerator#generate()} does not send them,
 *                                {@link LoadGenerator#sendLateTail} sends them all at once when the caller says (once the gate has
 *                                processed their first deliveries and more than the TTL has passed)
 * @param schemaUpgrade           telemetry producers move to a newer compatible schema (a field added with a default) halfway
 *                                through the events: from then on new events and retries of earlier ones are written under it, and
 *                                a retry across the upgrade must still be a DUPLICATE (default false)
 */
public record LoadProfile(long events, double ratePerSecond, double duplicateRatio, int tenants, double tenantSkew,
                          double webhookShare, double mismatchShare, double noKeyShare, double nullRecordKeyShare,
                          double malformedShare, double replayShare, int replayBatchSize, double crossPartitionShare,
                          double idempotencyHeaderShare, double tenantHeaderShare, int maxRetries, Duration retryInitialBackoff,
                          double retryMultiplier, double retryJitter, long seed, int telemetryPayloadBytes,
                          int webhookBodyBytes, double staleShare,
                          double lateRetryShare, Duration lateRetryDelay, boolean schemaUpgrade) {

    /** The longest retry horizon a profile may ask for: well inside the shipped telemetry TTL of 157.2 s. */
    public static final Duration MAX_RETRY_HORIZON = Duration.ofSeconds(60);

    public LoadProfile {
        Objects.requireNonNull(retryInitialBackoff, "retryInitialBackoff");
        Objects.requireNonNull(lateRetryDelay, "lateRetryDelay");
        List<String> problems = new ArrayList<>();
        if (events < 0 || events > Integer.MAX_VALUE) problems.add("events must be in [0, " + Integer.MAX_VALUE + "], got " + events);
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) problems.add("ratePerSecond must be >= 0 (0 = as fast as possible), got " + ratePerSecond);
        if (!(duplicateRatio >= 0 && duplicateRatio <= 10)) problems.add("duplicateRatio must be in [0, 10], got " + duplicateRatio);
        if (tenants < 1 || tenants > 1_000_000) problems.add("tenants must be in [1, 1000000], got " + tenants);
        if (!(tenantSkew >= 0 && tenantSkew <= 5)) problems.add("tenantSkew must be in [0, 5], got " + tenantSkew);
        share(problems, "webhookShare", webhookShare);
        share(problems, "mismatchShare", mismatchShare);
        share(problems, "noKeyShare", noKeyShare);
        share(problems, "nullRecordKeyShare", nullRecordKeyShare);
        share(problems, "malformedShare", malformedShare);
        share(problems, "replayShare", replayShare);
        share(problems, "crossPartitionShare", crossPartitionShare);
        share(problems, "idempotencyHeaderShare", idempotencyHeaderShare);
        share(problems, "tenantHeaderShare", tenantHeaderShare);
        share(problems, "staleShare", staleShare);
        if (replayBatchSize < 1 || replayBatchSize > 10_000) problems.add("replayBatchSize must be in [1, 10000], got " + replayBatchSize);
        if (maxRetries < 0 || maxRetries > 20) problems.add("maxRetries must be in [0, 20], got " + maxRetries);
        if (retryInitialBackoff.isNegative()) problems.add("retryInitialBackoff must be >= 0, got " + retryInitialBackoff);
        if (!(retryMultiplier >= 1 && retryMultiplier <= 10)) problems.add("retryMultiplier must be in [1, 10], got " + retryMultiplier);
        share(problems, "retryJitter", retryJitter);
        if (telemetryPayloadBytes < 150 || telemetryPayloadBytes > 100_000) problems.add("telemetryPayloadBytes must be in [150, 100000], got " + telemetryPayloadBytes);
        if (webhookBodyBytes < 200 || webhookBodyBytes > 500_000) problems.add("webhookBodyBytes must be in [200, 500000], got " + webhookBodyBytes);
        if (problems.isEmpty() && duplicateRatio * (1 - replayShare) > meanRetriesOfARetriedEvent(maxRetries) + 1e-9) {
            problems.add(String.format("duplicateRatio %s with replayShare %s asks for %.2f retries per event; with maxRetries %d senders "
                            + "make at most %.2f on average: raise maxRetries or replayShare", duplicateRatio, replayShare,
                    duplicateRatio * (1 - replayShare), maxRetries, meanRetriesOfARetriedEvent(maxRetries)));
        }
        if (problems.isEmpty() && retryHorizonMillis(maxRetries, retryInitialBackoff.toMillis(), retryMultiplier, retryJitter) > MAX_RETRY_HORIZON.toMillis()) {
            problems.add("the retry horizon " + retryHorizonMillis(maxRetries, retryInitialBackoff.toMillis(), retryMultiplier, retryJitter)
                    + " ms is longer than " + MAX_RETRY_HORIZON.toSeconds() + " s; lower maxRetries, retryInitialBackoff or retryMultiplier");
        }
        share(problems, "lateRetryShare", lateRetryShare);
        if (lateRetryDelay.isNegative()) problems.add("lateRetryDelay must be >= 0 (0: a late tail), got " + lateRetryDelay);
        if (problems.isEmpty() && lateRetryShare > 0 && !lateRetryDelay.isZero() && lateRetryDelay.toMillis() <= Math.max(500, retryHorizonMillis(maxRetries,
                retryInitialBackoff.toMillis(), retryMultiplier, retryJitter)) + 20) {
            problems.add("lateRetryDelay " + lateRetryDelay.toMillis() + " ms must come after every retry and key reuse (the retry horizon "
                    + retryHorizonMillis(maxRetries, retryInitialBackoff.toMillis(), retryMultiplier, retryJitter) + " ms); set it past the TTL, or 0 for a late tail");
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("invalid load profile: " + String.join("; ", problems));
    }

    private static void share(List<String> problems, String name, double v) {
        if (!(v >= 0 && v <= 1)) problems.add(name + " must be in [0, 1], got " + v);
    }

    public static LoadProfile defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The latest a retry can follow its first delivery, in event time: (1 + jitter) · Σ_{i<maxRetries} initialBackoff · multiplier^i.
     * 3.72 s with the defaults, far inside the shipped telemetry TTL (157.2 s).
     */
    public Duration retryHorizon() {
        return Duration.ofMillis(retryHorizonMillis(maxRetries, retryInitialBackoff.toMillis(), retryMultiplier, retryJitter));
    }

    /**
     * Mean retry count of a retried event: a sender that retries makes 1 retry, then one more with probability 1/2 each time, up
     * to {@code max} (1.94 for 5).
     */
    static double meanRetriesOfARetriedEvent(int max) {
        if (max <= 0) return 0;
        double mean = 0, p = 1;
        for (int k = 1; k < max; k++) {
            mean += k * p * 0.5;
            p *= 0.5;
        }
        return mean + max * p;
    }

    private static long retryHorizonMillis(int n, long b, double m, double j) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += b * Math.pow(m, i);
        return (long) Math.ceil((1 + j) * sum);
    }

    /** Mutable builder; starts at the defaults. */
    public static final class Builder {
        private long events = 20_000;
        private double ratePerSecond = 0;
        private double duplicateRatio = 0.25;
        private int tenants = 200;
        private double tenantSkew = 1.1;
        private double webhookShare = 0.3;
        private double mismatchShare = 0.005;
        private double noKeyShare = 0.1;
        private double nullRecordKeyShare = 0.05;
        private double malformedShare = 0.01;
        private double replayShare = 0.2;
        private int replayBatchSize = 50;
        private double crossPartitionShare = 0.3;
        private double idempotencyHeaderShare = 0.5;
        private double tenantHeaderShare = 0.3;
        private int maxRetries = 5;
        private Duration retryInitialBackoff = Duration.ofMillis(100);
        private double retryMultiplier = 2;
        private double retryJitter = 0.2;
        private long seed = 42;
        private int telemetryPayloadBytes = 250;
        private int webhookBodyBytes = 1024;
        private double staleShare = 0;
        private double lateRetryShare = 0;
        private Duration lateRetryDelay = Duration.ZERO;
        private boolean schemaUpgrade = false;

        private Builder() {}

        private Builder(LoadProfile p) {
            events = p.events;
            ratePerSecond = p.ratePerSecond;
            duplicateRatio = p.duplicateRatio;
            tenants = p.tenants;
            tenantSkew = p.tenantSkew;
            webhookShare = p.webhookShare;
            mismatchShare = p.mismatchShare;
            noKeyShare = p.noKeyShare;
            nullRecordKeyShare = p.nullRecordKeyShare;
            malformedShare = p.malformedShare;
            replayShare = p.replayShare;
            replayBatchSize = p.replayBatchSize;
            crossPartitionShare = p.crossPartitionShare;
            idempotencyHeaderShare = p.idempotencyHeaderShare;
            tenantHeaderShare = p.tenantHeaderShare;
            maxRetries = p.maxRetries;
            retryInitialBackoff = p.retryInitialBackoff;
            retryMultiplier = p.retryMultiplier;
            retryJitter = p.retryJitter;
            seed = p.seed;
            telemetryPayloadBytes = p.telemetryPayloadBytes;
            webhookBodyBytes = p.webhookBodyBytes;
            staleShare = p.staleShare;
            lateRetryShare = p.lateRetryShare;
            lateRetryDelay = p.lateRetryDelay;
            schemaUpgrade = p.schemaUpgrade;
        }

        public Builder events(long v) { events = v; return this; }
        public Builder ratePerSecond(double v) { ratePerSecond = v; return this; }
        public Builder duplicateRatio(double v) { duplicateRatio = v; return this; }
        public Builder tenants(int v) { tenants = v; return this; }
        public Builder tenantSkew(double v) { tenantSkew = v; return this; }
        public Builder webhookShare(double v) { webhookShare = v; return this; }
        public Builder mismatchShare(double v) { mismatchShare = v; return this; }
        public Builder noKeyShare(double v) { noKeyShare = v; return this; }
        public Builder nullRecordKeyShare(double v) { nullRecordKeyShare = v; return this; }
        public Builder malformedShare(double v) { malformedShare = v; return this; }
        public Builder replayShare(double v) { replayShare = v; return this; }
        public Builder replayBatchSize(int v) { replayBatchSize = v; return this; }
        public Builder crossPartitionShare(double v) { crossPartitionShare = v; return this; }
        public Builder idempotencyHeaderShare(double v) { idempotencyHeaderShare = v; return this; }
        public Builder tenantHeaderShare(double v) { tenantHeaderShare = v; return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder retryInitialBackoff(Duration v) { retryInitialBackoff = v; return this; }
        public Builder retryMultiplier(double v) { retryMultiplier = v; return this; }
        public Builder retryJitter(double v) { retryJitter = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder telemetryPayloadBytes(int v) { telemetryPayloadBytes = v; return this; }
        public Builder webhookBodyBytes(int v) { webhookBodyBytes = v; return this; }
        public Builder staleShare(double v) { staleShare = v; return this; }
        public Builder lateRetryShare(double v) { lateRetryShare = v; return this; }
        public Builder lateRetryDelay(Duration v) { lateRetryDelay = v; return this; }
        public Builder schemaUpgrade(boolean v) { schemaUpgrade = v; return this; }

        /** @throws IllegalArgumentException listing every invalid value */
        public LoadProfile build() {
            return new LoadProfile(events, ratePerSecond, duplicateRatio, tenants, tenantSkew, webhookShare, mismatchShare, noKeyShare,
                    nullRecordKeyShare, malformedShare, replayShare, replayBatchSize, crossPartitionShare, idempotencyHeaderShare,
                    tenantHeaderShare, maxRetries, retryInitialBackoff, retryMultiplier, retryJitter, seed, telemetryPayloadBytes,
                    webhookBodyBytes, staleShare, lateRetryShare, lateRetryDelay, schemaUpgrade);
        }
    }
}
