package io.eventdedup.key;

import java.util.function.Predicate;

/**
 * The dedup key of one record, docs/design.md §2: (source, tenant, idempotency key), plus the rule that produced the key and the payload
 * fingerprint stored with it.
 *
 * @param fingerprint       the payload fingerprint, form 2 ({@link Fingerprints}); the store records it for a first delivery
 * @param legacyFingerprint the form-1 fingerprint an earlier release stored, when an envelope of that release carried it; null
 *                          otherwise (the dedup step then computes it only if a stored entry may hold it, {@link Form1Fingerprints})
 * @param storeKey          16-byte hash of (source, tenant, idempotency key): the repartition and store key, fixed-size whatever the key
 * @param sequence          entity and sequence for the stale check of a stale-checked source; null for other sources
 */
public record ResolvedKey(String tenant, String idempotencyKey, String keyRule, byte[] fingerprint, byte[] legacyFingerprint, byte[] storeKey,
                          EntitySequence sequence) {

    public ResolvedKey(String tenant, String idempotencyKey, String keyRule, byte[] fingerprint, byte[] legacyFingerprint, byte[] storeKey) {
        this(tenant, idempotencyKey, keyRule, fingerprint, legacyFingerprint, storeKey, null);
    }

    public ResolvedKey(String tenant, String idempotencyKey, String keyRule, byte[] fingerprint, byte[] storeKey) {
        this(tenant, idempotencyKey, keyRule, fingerprint, null, storeKey);
    }

    /** True for an event of a stale-checked source: its final outcome (UNIQUE or STALE) is decided by the stale check. */
    public boolean awaitsStaleCheck() {
        return sequence != null;
    }

    /**
     * Whether the fingerprint held by the store entry is this record's, in either form: the same payload (a retry) whether the
     * entry was written before or after the upgrade to form 2.
     */
    public boolean matchesStored(Predicate<byte[]> storedEquals) {
        return storedEquals.test(fingerprint) || legacyFingerprint != null && storedEquals.test(legacyFingerprint);
    }
}
