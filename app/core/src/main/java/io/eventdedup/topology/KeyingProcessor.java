package io.eventdedup.topology;

import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.DedupKeyResolver;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step of a source: resolves each input record's dedup key and re-keys the record by its 16-byte store key, or marks it
 * invalid with the reason. Reads only what the key needs; the value bytes travel on untouched.
 */
final class KeyingProcessor extends ContextualProcessor<byte[], byte[], Bytes, Envelope> {
    private final SourceConfig source;
    private final SchemaRegistry registry;
    private final DedupObserver observer;
    private DedupKeyResolver resolver;

    KeyingProcessor(SourceConfig source, SchemaRegistry registry, DedupObserver observer) {
        this.source = source;
        this.registry = registry;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<Bytes, Envelope> context) {
        super.init(context);
        resolver = new DedupKeyResolver(source, registry);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Origin origin = origin(record.timestamp());
        try {
            ResolvedKey key = resolver.resolve(record.headers(), record.value());
            // One Record built directly: withKey().withValue() would copy the headers twice.
            context().forward(new Record<>(Bytes.wrap(key.storeKey()), Envelope.valid(key, origin, record.key(), record.value()),
                    record.timestamp(), record.headers()));
        } catch (InvalidRecordException e) {
            observer.outcome(source.name(), "", Outcome.INVALID);
            DeadLetters.describe(record.headers(), source.name(), e.reason(), e.getMessage(), origin);
            context().forward(new Record<>((Bytes) null, Envelope.invalid(e.reason(), e.getMessage(), origin, record.key(), record.value()),
                    record.timestamp(), record.headers()));
        }
    }

    private Origin origin(long timestamp) {
        // Absent only for punctuation-driven records, which this topology never creates.
        RecordMetadata m = context().recordMetadata().orElseThrow();
        return new Origin(m.topic(), m.partition(), m.offset(), timestamp);
    }
}
