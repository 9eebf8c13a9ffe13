package io.eventdedup.release;

/**
 * A release command as read from the control topic, checked for form but not yet against the configuration (the source may be
 * unknown, the tenant or key longer than the source accepts): {@link ReleaseCommandParser} makes it.
 *
 * @param idempotencyKey the key to release as the store knows it: the named idempotency key, or {@code sha256:HEX} for a fingerprint
 * @param namedBy        which field named the key: {@code idempotency_key} or {@code fingerprint}
 */
public record Release(String source, String tenant, String idempotencyKey, String namedBy, String reason, String requester) {}
