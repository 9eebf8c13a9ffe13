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

/**
 * Inspects Avro values in the Confluent wire format without building a record: it walks the writer schema's top-level fields once,
 * decoding only the fields the key and tenant rules name and skipping the rest, and hashes each non-volatile field's bytes as they
 * stand in the record. For a given writer schema the Avro binary encoding is canonical, so the fingerprint is the SHA-256 of the
 * record re-encoded without its volatile fields — without re-encoding anything.
 *
 * <p>One plan per writer schema id, built on first sight. Not thread-safe: one instance per stream task.
 */
public final class AvroPayloadInspector implements PayloadInspector {
    private final SchemaRegistry registry;
    private final Set<String> wanted;
    private final Set<String> volatileFields;
    private final Map<Integer, FieldPlan[]> plans = new HashMap<>();
    private final MessageDigest sha = Sha256.newDigest();
    private BinaryDecoder decoder;

    /**
     * @param wanted         top-level field names whose values the key and tenant rules need
     * @param volatileFields top-level field names left out of the fingerprint
     */
    public AvroPayloadInspector(SchemaRegistry registry, Collection<String> wanted, Collection<String> volatileFields) {
        this.registry = registry;
        this.wanted = Set.copyOf(wanted);
        this.volatileFields = Set.copyOf(volatileFields);
    }

    @Override
    public PayloadFacts inspect(byte[] value) throws InvalidRecordException {
        if (!ConfluentWireFormat.looksFramed(value)) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                    "not in the Confluent wire format: expected magic byte 0 and a 4-byte schema id, got " + describeStart(value));
        }
        int schemaId = ConfluentWireFormat.schemaId(value);
        FieldPlan[] plan = planFor(schemaId); // RegistryUnavailableException propagates: an outage is not the record's fault
        int bodyLength = value.length - ConfluentWireFormat.HEADER_SIZE;
        decoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, bodyLength, decoder);
        InputStream remaining = decoder.inputStream();
        Map<String, String> fields = new HashMap<>(4);
        sha.reset();
        try {
            // The fingerprint covers the bytes of every non-volatile field, in order: consecutive ones are hashed in one update.
            int hashedFrom = 0;
            int end = 0;
            for (FieldPlan f : plan) {
                int start = end;
                if (f.wanted) {
                    String text = readText(f.schema, decoder);
                    if (text != null) fields.put(f.name, text);
                } else {
                    GenericDatumReader.skip(f.schema, decoder);
                }
                end = bodyLength - remaining.available();
                if (f.isVolatile) {
                    if (start > hashedFrom) sha.update(value, ConfluentWireFormat.HEADER_SIZE + hashedFrom, start - hashedFrom);
                    hashedFrom = end;
                }
            }
            if (end > hashedFrom) sha.update(value, ConfluentWireFormat.HEADER_SIZE + hashedFrom, end - hashedFrom);
            if (remaining.available() != 0) {
                throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                        remaining.available() + " bytes left over after the record of writer schema id " + schemaId);
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(InvalidReason.UNDECODABLE,
                    "Avro body does not decode with writer schema id " + schemaId + ": " + e);
        }
        return new PayloadFacts(fields, sha.digest());
    }

    private FieldPlan[] planFor(int schemaId) throws InvalidRecordException {
        FieldPlan[] plan = plans.get(schemaId);
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
        plan = fields.toArray(FieldPlan[]::new);
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

}
