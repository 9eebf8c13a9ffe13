package io.eventdedup.tools.loadgen;

import io.eventdedup.schemas.TelemetryEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The newer telemetry schema a producer moves to mid-run: schemas/TelemetryEvent.avsc plus one field with a default
 * ({@value #ADDED_FIELD}), a backward- and forward-compatible change. Events are written with the added field at its default, so
 * the canonical fingerprint (docs/design.md §2, fields at their default left out) is that of the same event under the older schema.
 */
final class TelemetrySchemaUpgrade {
    static final String ADDED_FIELD = "firmware_channel";
    static final String ADDED_DEFAULT = "stable";

    private final Schema newer;
    private final SpecificDatumWriter<Object> writer;
    private BinaryEncoder encoder;

    TelemetrySchemaUpgrade() {
        this.newer = newerSchema();
        this.writer = new SpecificDatumWriter<>(newer, new TelemetryEvent().getSpecificData());
    }

    /** TelemetryEvent with {@value #ADDED_FIELD} (a string, default {@value #ADDED_DEFAULT}) appended. */
    static Schema newerSchema() {
        Schema old = TelemetryEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : old.getFields()) fields.add(new Schema.Field(f, f.schema()));
        fields.add(new Schema.Field(ADDED_FIELD, Schema.create(Schema.Type.STRING), "Firmware release channel (added in the newer schema)", ADDED_DEFAULT));
        Schema s = Schema.createRecord(old.getName(), old.getDoc(), old.getNamespace(), false, fields);
        old.getObjectProps().forEach(s::addProp);
        return s;
    }

    Schema schema() {
        return newer;
    }

    /** {@code e} under the newer schema, in the Confluent wire format under {@code schemaId}, the added field at its default. */
    void write(TelemetryEvent e, ByteArrayOutputStream out) {
        GenericData.Record r = new GenericData.Record(newer);
        for (Schema.Field f : TelemetryEvent.getClassSchema().getFields()) r.put(f.name(), e.get(f.pos()));
        r.put(ADDED_FIELD, ADDED_DEFAULT);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(r, encoder);
            encoder.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("encoding to memory failed", ex);
        }
    }
}
