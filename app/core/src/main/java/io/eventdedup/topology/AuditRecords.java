package io.eventdedup.topology;

import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes {@link DuplicateDetected} audit records in the Confluent wire format under the registered schema id. One per task. */
final class AuditRecords {
    private final int schemaId;
    private final SpecificDatumWriter<DuplicateDetected> writer = new SpecificDatumWriter<>(DuplicateDetected.class);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    AuditRecords(int schemaId) {
        this.schemaId = schemaId;
    }

    byte[] encode(DuplicateDetected record) {
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
