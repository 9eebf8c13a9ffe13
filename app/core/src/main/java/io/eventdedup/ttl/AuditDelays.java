package io.eventdedup.ttl;

import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.serde.AvroTrust;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retry delays of the audit topic's records ({@code DuplicateDetected.delay_ms}), by source. The audit holds DUPLICATE outcomes:
 * retries inside the TTL and, under {@code late-retry-policy=hold}, late retries held back; a late retry forwarded under
 * {@code forward} is not audited (the metrics count it). A value that does not decode is counted and skipped. The audit topic also
 * holds records that are not retries: {@code KeyReleased} (another schema, told apart by its schema id) and STALE
 * {@code DuplicateDetected} records (whose delay is from the entity's newest event); both are counted as other records, not delays.
 */
public final class AuditDelays {
    private final Map<String, SampledDelays> bySource = new LinkedHashMap<>();
    private final SpecificDatumReader<DuplicateDetected> reader;
    private BinaryDecoder decoder;
    private final java.util.function.IntPredicate isDuplicateDetected;
    private long unreadable;
    private long others;

    /** For values all written under DuplicateDetected. */
    public AuditDelays() {
        this(id -> true);
    }

    /** @param isDuplicateDetected whether a schema id names the DuplicateDetected schema (other audit records are counted, not read) */
    public AuditDelays(java.util.function.IntPredicate isDuplicateDetected) {
        this.isDuplicateDetected = isDuplicateDetected;
        AvroTrust.trustGeneratedClasses();
        reader = new SpecificDatumReader<>(DuplicateDetected.class);
    }

    /** Adds one audit record's value (Confluent wire format). */
    public void add(byte[] value) {
        if (value == null || !ConfluentWireFormat.looksFramed(value)) {
            unreadable++;
            return;
        }
        if (!isDuplicateDetected.test(ConfluentWireFormat.schemaId(value))) {
            others++;
            return;
        }
        DuplicateDetected d;
        try {
            decoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, decoder);
            d = reader.read(null, decoder);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            unreadable++;
            return;
        }
        if (d.getSource() == null || d.getDelayMs() < 0) {
            unreadable++;
            return;
        }
        if (d.getOutcome() != null && !"DUPLICATE".contentEquals(d.getOutcome())) {
            others++;
            return;
        }
        add(d.getSource().toString(), d.getDelayMs());
    }

    /** Audit records that are not retries: releases and STALE records. */
    public long others() {
        return others;
    }

    public void add(String source, long delayMs) {
        bySource.computeIfAbsent(source, s -> new SampledDelays()).add(delayMs);
    }

    /** The delays of one source; empty (no retries) when the audit has none of it. */
    public SampledDelays of(String source) {
        return bySource.getOrDefault(source, new SampledDelays());
    }

    public Map<String, SampledDelays> bySource() {
        return Map.copyOf(bySource);
    }

    /** Audit values that did not decode as DuplicateDetected records. */
    public long unreadable() {
        return unreadable;
    }
}
