package io.eventdedup.topology;

import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes audit records of one kind (DuplicateDetected, KeyReleased) in the Confluent wire format under the kind's registered schema
 * id. One per task and kind.
 */
final class AuditRecords<T extends SpecificRecord> {
    private final int schemaId;
    private final SpecificDatumWriter<T> writer;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    AuditRecords(int schemaId, Class<T> kind) {
        this.schemaId = schemaId;
        this.writer = new SpecificDatumWriter<>(kind);
    }

    byte[] encode(T record) {
        out.reset();
        ConfluentWireFormat.writeHeader(out, schemaId);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding to memory failed", e);
        }
        return out.toByteArray();
    }

}
