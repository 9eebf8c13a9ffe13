package io.eventdedup.config;

import io.eventdedup.ttl.CapacityEstimate;
import io.eventdedup.ttl.TtlFormula;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One source of events: its topics, format, the rules that make its dedup key, and its TTL.
 *
 * @param name              short name; names the store, the repartition topic and the processors, so it must not change
 * @param inputTopics       at-least-once input topics
 * @param outputTopic       where unique events go
 * @param format            value encoding
 * @param keyRules          idempotency-key rules, first hit wins
 * @param tenantRules       tenant rules, first hit wins
 * @param defaultTenant     tenant of records where no tenant rule hits; empty means such records are invalid
 * @param volatileFields    fields left out of the fingerprint (attempt counters, sent-at)
 * @param ttl               the TTL formula's terms
 * @param producersKeyByDedupKey true when producers already partition by the dedup key, so no repartition is needed
 * @param maxRecordBytes    larger values are INVALID (oversized)
 * @param maxKeyChars       longer idempotency keys or tenants are INVALID
 * @param expectedUniqueRate unique events per second, for the capacity estimate only
 * @param stale             the stale check by entity and sequence; empty for a source without one (its topology is unchanged)
 * @param observationFactor the store keeps keys for this many TTLs (the observation window), so retries after the TTL are seen
 * @param lateRetryPolicy   what a retry after the TTL but inside the observation window becomes
 */
public record SourceConfig(String name, List<String> inputTopics, String outputTopic, PayloadFormat format,
                           List<KeyRule> keyRules, List<TenantRule> tenantRules, Optional<String> defaultTenant,
                           List<String> volatileFields, TtlFormula ttl, boolean producersKeyByDedupKey,
                           int maxRecordBytes, int maxKeyChars, double expectedUniqueRate, Optional<StaleRule> stale,
                           double observationFactor, LateRetryPolicy lateRetryPolicy) {

    /** On-disk bytes per stored key used for the capacity estimate; the benchmark measures the real figure. */
    public static final int ESTIMATED_BYTES_PER_ENTRY = 100;

    public SourceConfig {
        Objects.requireNonNull(name);
        inputTopics = List.copyOf(inputTopics);
        keyRules = List.copyOf(keyRules);
        tenantRules = List.copyOf(tenantRules);
        volatileFields = List.copyOf(volatileFields);
        Objects.requireNonNull(defaultTenant);
        Objects.requireNonNull(ttl);
        Objects.requireNonNull(stale);
        Objects.requireNonNull(lateRetryPolicy);
        if (!(observationFactor >= 1.0)) throw new IllegalArgumentException("observation factor must be at least 1, was " + observationFactor);
    }

    public Duration ttlDuration() {
        return ttl.ttl();
    }

    /**
     * The observation window: how long the store keeps a key after its first arrival, factor × TTL (at least the TTL). A delivery
     * inside the TTL decides as always; one after it but inside the window can be told apart as a late retry.
     */
    public Duration observationWindow() {
        long ttlMs = ttlDuration().toMillis();
        return Duration.ofMillis(Math.max(ttlMs, (long) Math.ceil(ttlMs * observationFactor)));
    }

    /** Name of the RocksDB window store. Renaming it forgets every key, so it derives from the source name only. */
    public String storeName() {
        return "dedup-" + name + "-store";
    }

    /** Name of the repartition topic suffix; Kafka Streams prefixes the application id and appends "-repartition". */
    public String repartitionName() {
        return "dedup-" + name + "-by-key";
    }

    /** The repartition that carries this source's release commands from the control topic to its data path. */
    public String releasesRepartitionName() {
        return "dedup-" + name + "-releases";
    }

    /** Name of the stale check's window store: per (source, tenant, entity), the newest sequence forwarded within the TTL. */
    public String staleStoreName() {
        return "dedup-" + name + "-stale-store";
    }

    /** Name of the repartition topic suffix that brings each entity's unique events to one stale check. */
    public String entityRepartitionName() {
        return "dedup-" + name + "-by-entity";
    }

    /**
     * Kafka Streams' segment interval for a window store of this retention (the observation window): max(retention / 2, 60 s).
     * The store keeps at least the window and at most the window plus one segment.
     */
    public Duration segmentInterval() {
        return Duration.ofMillis(Math.max(observationWindow().toMillis() / 2, 60_000L));
    }

    /** What the store holds: keys are kept for the observation window, not just the TTL. */
    public CapacityEstimate capacity() {
        return new CapacityEstimate(expectedUniqueRate, observationWindow(), segmentInterval(), ESTIMATED_BYTES_PER_ENTRY);
    }
}
