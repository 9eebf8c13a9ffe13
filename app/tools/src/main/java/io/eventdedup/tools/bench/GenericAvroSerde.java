package io.eventdedup.tools.bench;

import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Confluent's {@code GenericAvroSerde} does, on the project's registry interface: reads a value in the Confluent wire format
 * into a {@link GenericRecord} with its writer's schema (fetched once per schema id; ids the registry does not know are asked
 * again every time, as Confluent's client does), and writes one back under the id of its schema's subject
 * ({@code <topic>-value}, registered on first use). The textbook phase's serde, not event-dedup's (which never decodes in full).
 */
final class GenericAvroSerde implements Serde<GenericRecord> {
    private final SchemaRegistry registry;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    GenericAvroSerde(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return new Writer();
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return this::decode;
    }

    /** @throws SerializationException if the bytes are not a record of a schema the registry has */
    GenericRecord decode(String topic, byte[] value) {
        if (value == null) return null;
        if (!ConfluentWireFormat.looksFramed(value)) throw new SerializationException("not in the Confluent wire format");
        int id = ConfluentWireFormat.schemaId(value);
        GenericDatumReader<GenericRecord> reader = readers.get(id);
        try {
            if (reader == null) {
                reader = new GenericDatumReader<>(registry.schemaById(id));
                readers.put(id, reader);
            }
            BinaryDecoder d = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, null);
            return reader.read(null, d);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode a record of schema id " + id + ": " + e.getMessage(), e);
        }
    }

    /** One per producer: the schema ids it registered and its buffer. */
    private final class Writer implements Serializer<GenericRecord> {
        private final Map<Schema, Integer> ids = new IdentityHashMap<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        private final Map<Schema, GenericDatumWriter<GenericRecord>> writers = new IdentityHashMap<>();
        private BinaryEncoder encoder;

        @Override
        public synchronized byte[] serialize(String topic, GenericRecord record) {
            if (record == null) return null;
            Schema schema = record.getSchema();
            Integer id = ids.computeIfAbsent(schema, s -> registry.register(topic + "-value", s));
            out.reset();
            ConfluentWireFormat.writeHeader(out, id);
            encoder = EncoderFactory.get().binaryEncoder(out, encoder);
            try {
                writers.computeIfAbsent(schema, GenericDatumWriter::new).write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new SerializationException("cannot encode a record to memory", e);
            }
            return out.toByteArray();
        }
    }
}
