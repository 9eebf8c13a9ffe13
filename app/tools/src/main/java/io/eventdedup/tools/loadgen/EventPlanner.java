package io.eventdedup.tools.loadgen;

import io.eventdedup.key.DedupKeys;
import io.eventdedup.key.Sha256;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws each logical event's identity (tenant, keys, device, partition) and its redelivery plan (retries with backoff and jitter,
 * cross-partition retries, a payload-mismatch reuse of its key) from a random stream of its own, so that an event is the same
 * whatever was drawn before it.
 */
final class EventPlanner {
    private final LoadProfile profile;
    private final Map<EventSource, Integer> partitions;
    private final RetryStorms storms;
    private final Zipf zipf;
    private final String[] tenantNames;
    private final long retryHorizon;
    private final MessageDigest sha = Sha256.newDigest();

    /** @param partitions partition count of each source's topic */
    EventPlanner(LoadProfile profile, Map<EventSource, Integer> partitions, RetryStorms storms) {
        this.profile = profile;
        this.partitions = Map.copyOf(partitions);
        this.storms = storms;
        this.zipf = new Zipf(profile.tenants(), profile.tenantSkew());
        this.tenantNames = new String[profile.tenants()];
        int digits = Math.max(4, Integer.toString(profile.tenants()).length());
        for (int i = 0; i < tenantNames.length; i++) tenantNames[i] = "tenant-" + pad(i + 1, digits);
        this.retryHorizon = profile.retryHorizon().toMillis();
    }

    int partitions(EventSource source) {
        return partitions.get(source);
    }

    /** Logical event {@code seq}: its identity and its redeliveries, from a stream seeded by the profile's seed and {@code seq}. */
    EventPlan plan(long seq, EventSource source) {
        SplittableRandom r = new SplittableRandom(Payloads.mix(profile.seed() ^ Payloads.mix(seq + 1)));
        EventPlan p = identity(r, seq, source, true);
        planRetries(r, p);
        planKeyReuse(r, p);
        planStaleUpdate(r, p);
        planLateRetry(r, p);
        return p;
    }

    /** The identity of a malformed record's base event, drawn from {@code r}; no redeliveries. */
    EventPlan malformedBase(SplittableRandom r, EventSource source, boolean withTenant) {
        return identity(r, LoadgenMarkers.NO_SEQ, source, withTenant);
    }

    private EventPlan identity(SplittableRandom r, long seq, EventSource source, boolean withTenant) {
        int tenantIndex = zipf.sample(r);
        String tenant = withTenant ? tenantNames[tenantIndex] : "";
        boolean tenantHeader = withTenant && r.nextDouble() < profile.tenantHeaderShare();
        boolean nullKey = r.nextDouble() < profile.nullRecordKeyShare();
        String eventId;
        String idempotencyKey = null;
        String device = null;
        byte[] recordKey;
        if (source == EventSource.TELEMETRY) {
            device = "dev-" + pad(tenantIndex + 1, 4) + "-" + pad(r.nextInt(64), 2);
            boolean noKey = r.nextDouble() < profile.noKeyShare();
            eventId = noKey ? "" : Payloads.uuid(r.nextLong(), r.nextLong());
            recordKey = nullKey ? null : device.getBytes(StandardCharsets.UTF_8);
        } else {
            eventId = "evt_" + Payloads.alnum(r, 24);
            if (r.nextDouble() < profile.idempotencyHeaderShare()) idempotencyKey = Payloads.uuid(r.nextLong(), r.nextLong());
            recordKey = nullKey ? null : eventId.getBytes(StandardCharsets.UTF_8);
        }
        EventPlan p = new EventPlan(seq, source, tenant, eventId, idempotencyKey, tenantHeader, device, recordKey, r.nextLong());
        int n = partitions(source);
        p.partition = recordKey != null ? Utils.toPositive(Utils.murmur2(recordKey)) % n : r.nextInt(n);
        p.occurredAt = source == EventSource.TELEMETRY ? r.nextInt(5_000) : r.nextInt(60_000); // a lag until the first send
        return p;
    }

    /** With the current block's probability: 1 to maxRetries retries, each after an exponential, jittered backoff. */
    private void planRetries(SplittableRandom r, EventPlan p) {
        if (!(r.nextDouble() < storms.retryProbability())) return;
        int n = partitions(p.source);
        int k = 1;
        while (k < profile.maxRetries() && r.nextDouble() < 0.5) k++;
        p.retryOffsets = new long[k];
        p.retryPartitions = new int[k];
        double backoff = profile.retryInitialBackoff().toMillis();
        double at = 0;
        for (int i = 0; i < k; i++) {
            at += backoff * (1 + profile.retryJitter() * r.nextDouble());
            backoff *= profile.retryMultiplier();
            p.retryOffsets[i] = Math.max(1, Math.min(retryHorizon, Math.round(at)));
            boolean cross = n > 1 && r.nextDouble() < profile.crossPartitionShare();
            p.retryPartitions[i] = cross ? (p.partition + 1 + r.nextInt(n - 1)) % n : p.partition;
        }
    }

    /** A keyed event may have its key reused for another payload, some time after its first delivery. */
    private void planKeyReuse(SplittableRandom r, EventPlan p) {
        if (!p.fingerprintKeyed() && r.nextDouble() < profile.mismatchShare()) {
            p.mismatchOffset = 20 + r.nextLong(Math.max(500, retryHorizon));
        }
    }

    /**
     * A webhook may be followed by an older update of its object. For the app to be bound to see the newer first, the stale update
     * takes the same input partition, after it, and a key whose store key falls in the same partition of the repartition by key
     * (Kafka's default partitioner over the 16-byte store key of source {@code webhooks}, as many partitions as the input topic):
     * one task keys, deduplicates and forwards both, in order, to the one partition of the repartition by entity.
     */
    private void planStaleUpdate(SplittableRandom r, EventPlan p) {
        if (p.source != EventSource.WEBHOOKS || !(r.nextDouble() < profile.staleShare())) return;
        int n = partitions(p.source);
        int target = byKeyPartition(p.idempotencyKey != null ? p.idempotencyKey : p.eventId, p.tenant, n);
        String eventId;
        do {
            eventId = "evt_" + Payloads.alnum(r, 24);
        } while (byKeyPartition(eventId, p.tenant, n) != target);
        byte[] recordKey = p.recordKey == null ? null : eventId.getBytes(StandardCharsets.UTF_8);
        EventPlan stale = new EventPlan(p.seq, p.source, p.tenant, eventId, null, p.tenantHeader, null, recordKey, p.contentSeed);
        stale.partition = p.partition;
        p.staleUpdate = stale;
        p.staleOffset = 20 + r.nextLong(Math.max(500, retryHorizon));
    }

    private int byKeyPartition(String key, String tenant, int partitions) {
        byte[] storeKey = DedupKeys.storeKey(sha, EventSource.WEBHOOKS.sourceName(), tenant, key);
        return Utils.toPositive(Utils.murmur2(storeKey)) % partitions;
    }

    /**
     * With the profile's share, one more retry of the same payload after the TTL (0: held for the late tail): drawn last and for
     * every event, so other draws stay as they were.
     */
    private void planLateRetry(SplittableRandom r, EventPlan p) {
        if (profile.lateRetryShare() > 0 && r.nextDouble() < profile.lateRetryShare()) {
            p.lateRetryOffset = profile.lateRetryDelay().toMillis();
        }
    }

    static String pad(int v, int digits) {
        String s = Integer.toString(v);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }
}
