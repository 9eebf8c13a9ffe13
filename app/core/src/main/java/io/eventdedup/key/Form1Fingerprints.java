package io.eventdedup.key;

import io.eventdedup.config.PayloadFormat;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.registry.SchemaRegistry;

import java.util.List;

/**
 * The form-1 fingerprint of a value (the one earlier releases stored, {@link Fingerprints}), computed only when the dedup step needs
 * it: when a stored entry does not hold the record's form-2 fingerprint, and so may have been written before the upgrade. A retry of
 * an entry written in form 2, or a first delivery, never pays for it; nor does the repartition topic carry it.
 *
 * <p>Not thread-safe: one per stream task.
 */
public interface Form1Fingerprints {
    /** For sources whose stores can hold no form-1 entry (and for tests): never computes one. */
    Form1Fingerprints NONE = value -> null;

    /** The value's form-1 fingerprint, or null when form 1 is no longer carried ({@link Fingerprints#CARRY_LEGACY}). */
    byte[] of(byte[] value);

    /** Form 1 as the source's inspector computes it, with the source's volatile fields; the value decoded as at keying. */
    static Form1Fingerprints of(SourceConfig source, SchemaRegistry registry) {
        if (!Fingerprints.CARRY_LEGACY) return NONE;
        PayloadInspector inspector = source.format() == PayloadFormat.AVRO
                ? new AvroPayloadInspector(registry, List.of(), source.volatileFields(), true)
                : new JsonPayloadInspector(List.of(), source.volatileFields(), true);
        return value -> {
            try {
                return inspector.inspect(value).legacyFingerprint();
            } catch (InvalidRecordException e) {
                // Only values that were inspected at keying reach the dedup step: not decoding now is a fault, not the record's.
                throw new IllegalStateException("a value that decoded at keying no longer does (" + e.reason() + "): " + e.getMessage(), e);
            }
        };
    }
}
