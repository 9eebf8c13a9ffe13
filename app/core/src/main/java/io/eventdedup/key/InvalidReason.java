package io.eventdedup.key;

/** Why a record went to the DLQ; the value of its {@code dedup.reason} header. */
public enum InvalidReason {
    NULL_VALUE("record has no value (tombstone)"),
    OVERSIZED("record (key, value and headers) is larger than the source's max-record-bytes; the DLQ holds a reference, not the payload"),
    UNDECODABLE("value cannot be decoded in the source's format"),
    UNKNOWN_SCHEMA("value names a schema id the registry does not have"),
    NO_KEY("no key rule matched and no fingerprint is possible"),
    NO_TENANT("no tenant rule matched and the source has no default tenant"),
    BAD_KEY("idempotency key or tenant is empty, too long, or not UTF-8"),
    NO_SEQUENCE("stale-checked source: the entity or sequence field is missing, null or empty"),
    BAD_SEQUENCE("stale-checked source: the sequence field is not of the source's stale.sequence-kind"),
    PAYLOAD_MISMATCH("key seen within the TTL with a different payload fingerprint"),
    PROCESSING_ERROR("unexpected error while processing the record"),
    BAD_COMMAND("control command cannot be decoded, misses a field, or has a field that is empty, too long or malformed"),
    UNKNOWN_SOURCE("control command names a source this application does not deduplicate"),
    TOO_LARGE_TO_WRITE("the broker refused a record written for this input as too large; the DLQ holds a reference, not the payload");

    private final String meaning;

    InvalidReason(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
