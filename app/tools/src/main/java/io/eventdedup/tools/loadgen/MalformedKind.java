package io.eventdedup.tools.loadgen;

/** The malformed records the generator sends, each with the {@code dedup.reason} the app must give it in the DLQ. */
public enum MalformedKind {
    /** Not the Confluent wire format at all: a JSON document or random bytes on an Avro topic. */
    UNDECODABLE_BYTES("UNDECODABLE"),
    /** A valid framed Avro record cut short: the body ends in the middle of a field. */
    TRUNCATED_AVRO("UNDECODABLE"),
    /** A valid Avro body framed with a schema id the registry does not have. */
    UNKNOWN_SCHEMA_ID("UNKNOWN_SCHEMA"),
    /** A valid event with {@code tenant_id ""} and no {@code X-Tenant-Id} header. */
    MISSING_TENANT("NO_TENANT"),
    /** A webhook with {@code event_id ""} and no {@code Idempotency-Key} header: webhooks have no fingerprint rule. */
    WEBHOOK_WITHOUT_KEY("NO_KEY");

    private final String expectedReason;

    MalformedKind(String expectedReason) {
        this.expectedReason = expectedReason;
    }

    /** The {@code dedup.reason} header value (an {@link io.eventdedup.key.InvalidReason} name) the app must give such a record. */
    public String expectedReason() {
        return expectedReason;
    }
}
