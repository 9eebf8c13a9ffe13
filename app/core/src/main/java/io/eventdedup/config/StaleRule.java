package io.eventdedup.config;

import java.util.Objects;

/**
 * A source's stale check (docs/design.md §5): an event whose sequence is not greater than the newest already forwarded for its
 * entity within the TTL is STALE. Both fields are top-level Avro fields or JSON pointers, read as the key and tenant fields are.
 *
 * @param entityField   the field naming the entity an event updates, e.g. order_id
 * @param sequenceField the field holding the event's monotonic sequence or timestamp
 * @param kind          how the sequence is read
 */
public record StaleRule(String entityField, String sequenceField, SequenceKind kind) {
    public StaleRule {
        Objects.requireNonNull(entityField);
        Objects.requireNonNull(sequenceField);
        Objects.requireNonNull(kind);
    }
}
