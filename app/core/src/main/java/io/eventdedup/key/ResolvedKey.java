package io.eventdedup.key;

/**
 * The dedup key of one record, docs/design.md §2: (source, tenant, idempotency key), plus the rule that produced the key and the payload
 * fingerprint stored with it.
 *
 * @param storeKey 16-byte hash of (source, tenant, idempotency key): the repartition and store key, fixed-size whatever the key
 */
public record ResolvedKey(String tenant, String idempotencyKey, String keyRule, byte[] fingerprint, byte[] storeKey) {}
