package io.eventdedup.key;

import io.eventdedup.registry.SchemaNotFoundException;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Inspects Avro values in the Confluent wire format without building a record: it walks the writer schema once, decoding the
 * fields the key and tenant rules name and encoding every field into the canonical form of {@link AvroCanonicalForm} (by field
 * name and value, defaults and volatile fields left out), whose SHA-256 is the fingerprint. While {@link Fingerprints#CARRY_LEGACY},
 * the same pass also hashes the non-volatile fields' bytes as they stand in the record: the form-1 fingerprint earlier releases stored.
 *
 * <p>One plan per writer schema id, built on first sight. Not thread-safe: one instance per stream task.
 */
public final class AvroPayloadInspector implements PayloadInspector {
    /** The canonical form may be this many times the Avro body (field names and 8-byte numbers), and at least {@link #MIN_BUDGET}. */
    static final int BUDGET_FACTOR = 64;
    static final int MIN_BUDGET = 1 << 20;

    private final SchemaRegistry registry;
    private final Set<String> wanted;
    private final Set<String> volatileFields;
    private final boolean carryLegacy;
    private final Map<Integer, Plan> plans = new HashMap<>();
    private final AvroCanonicalForm canonical = new AvroCanonicalForm();
    private final MessageDigest sha = Sha256.newDigest();
    private final MessageDigest legacySha = Sha256.newDigest();
    private BinaryDecoder decoder;
    private BinaryDecoder fieldDecoder;

    /**
     * @param wanted         top-level field names whose values the key and tenant rules need
     * @param volatileFields top-level field names left out of the fingerprint
     */
    public AvroPayloadInspector(SchemaRegistry registry, Collection<String> wanted, Collection<String> volatileFields) {
        this(registry, wanted, volatileFields, Fingerprints.CARRY_LEGACY);
    }

    AvroPayloadInspector(SchemaRegistry registry, Collection<String> wanted, Collection<String> volatileFields, boolean carryLegacy) {
        this.registry = registry;
        this.wanted = Set.copyOf(wanted);
        this.volatileFields = Set.copyOf(volatileFields);
        this.carryLegacy = carryLegacy;
    }

    @Override
    public PayloadFacts inspect(byte[] value) throws InvalidRecordException {
        if (!ConfluentWireFormat.looksFramed(value)) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                    "not in the Confluent wire format: expected magic byte 0 and a 4-byte schema id, got " + describeStart(value));
        }
        int schemaId = ConfluentWireFormat.schemaId(value);
        Plan plan = planFor(schemaId); // RegistryUnavailableException propagates: an outage is not the record's fault
        int bodyLength = value.length - ConfluentWireFormat.HEADER_SIZE;
        decoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, bodyLength, decoder);
        InputStream remaining = decoder.inputStream();
        IntSupplier left = () -> AvroCanonicalForm.available(remaining);
        int[] bounds = plan.inputBounds;
        canonical.begin(Math.max(MIN_BUDGET, (long) BUDGET_FACTOR * bodyLength), left);
        try {
            canonical.topLevel(plan.canonical, decoder, () -> bodyLength - left.getAsInt(), bounds);
            if (remaining.available() != 0) {
                throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                        remaining.available() + " bytes left over after the record of writer schema id " + schemaId);
            }
            Map<String, String> fields = new HashMap<>(4);
            for (int i = 0; i < plan.fields.length; i++) {
                if (!plan.fields[i].wanted) continue;
                fieldDecoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE + bounds[i], bounds[i + 1] - bounds[i], fieldDecoder);
                String text = readText(plan.fields[i].schema, fieldDecoder);
                if (text != null) fields.put(plan.fields[i].name, text);
            }
            sha.reset();
            sha.update(Fingerprints.AVRO_FORM_2);
            sha.update(canonical.bytes(), 0, canonical.length());
            return new PayloadFacts(fields, sha.digest(), carryLegacy ? legacyFingerprint(value, plan) : null);
        } catch (InvalidRecordException e) { // a forged length, index, count or depth, found by the canonical form
            throw new InvalidRecordException(e.reason(), "Avro body does not decode with writer schema id " + schemaId + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                    "Avro body does not decode with writer schema id " + schemaId + ": " + e);
        }
    }

    /** Form 1: SHA-256 of the record's bytes without its volatile fields, consecutive fields hashed in one update. */
    private byte[] legacyFingerprint(byte[] value, Plan plan) {
        legacySha.reset();
        int[] bounds = plan.inputBounds;
        int hashedFrom = 0;
        for (int i = 0; i < plan.fields.length; i++) {
            if (!plan.fields[i].isVolatile) continue;
            if (bounds[i] > hashedFrom) legacySha.update(value, ConfluentWireFormat.HEADER_SIZE + hashedFrom, bounds[i] - hashedFrom);
            hashedFrom = bounds[i + 1];
        }
        int end = bounds[plan.fields.length];
        if (end > hashedFrom) legacySha.update(value, ConfluentWireFormat.HEADER_SIZE + hashedFrom, end - hashedFrom);
        return legacySha.digest();
    }

    private Plan planFor(int schemaId) throws InvalidRecordException {
        Plan plan = plans.get(schemaId);
        if (plan != null) return plan;
        Schema writer;
        try {
            writer = registry.schemaById(schemaId);
        } catch (SchemaNotFoundException e) {
            throw new InvalidRecordException(InvalidReason.UNKNOWN_SCHEMA, e.getMessage());
        }
        if (writer.getType() != Schema.Type.RECORD) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE, "writer schema id " + schemaId + " is a " + writer.getType() + ", not a record");
        }
        List<FieldPlan> fields = new ArrayList<>();
        for (Schema.Field f : writer.getFields()) {
            fields.add(new FieldPlan(f.name(), f.schema(), wanted.contains(f.name()), volatileFields.contains(f.name())));
        }
        plan = new Plan(fields.toArray(FieldPlan[]::new), canonical.topLevelPlan(writer, volatileFields), new int[fields.size() + 1]);
        plans.put(schemaId, plan);
        return plan;
    }

    /** The value of a key or tenant field as text; null when the field is null. Records, maps and arrays are not keys. */
    private static String readText(Schema s, BinaryDecoder d) throws IOException {
        switch (s.getType()) {
            case STRING:
                return d.readString();
            case INT:
                return Integer.toString(d.readInt());
            case LONG:
                return Long.toString(d.readLong());
            case BYTES: {
                ByteBuffer b = d.readBytes(null);
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return Sha256.hex(bytes);
            }
            case FIXED: {
                byte[] bytes = new byte[s.getFixedSize()];
                d.readFixed(bytes);
                return Sha256.hex(bytes);
            }
            case ENUM:
                return s.getEnumSymbols().get(d.readEnum());
            case UNION:
                return readText(s.getTypes().get(d.readIndex()), d);
            case NULL:
                d.readNull();
                return null;
            default:
                GenericDatumReader.skip(s, d);
                return null; // not usable as a key: the rule misses
        }
    }

    private static String describeStart(byte[] value) {
        if (value.length == 0) return "an empty value";
        byte[] head = new byte[Math.min(5, value.length)];
        System.arraycopy(value, 0, head, 0, head.length);
        return "0x" + Sha256.hex(head) + (value.length > 5 ? "…" : "") + " (" + value.length + " bytes)";
    }

    private record FieldPlan(String name, Schema schema, boolean wanted, boolean isVolatile) {}

    /** Per writer schema: its top-level fields, their canonical plan, and a reused array for where each field lies in the input. */
    private record Plan(FieldPlan[] fields, AvroCanonicalForm.RecordPlan canonical, int[] inputBounds) {}

}
