package io.eventdedup.topology;

import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.DedupKeyResolver;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.limits.RecordSize;
import io.eventdedup.limits.WriteBudget;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step of a source: resolves each input record's dedup key and re-keys the record by its 16-byte store key, or marks it
 * invalid with the reason. Reads only what the key needs; the value bytes travel on untouched. A record larger than the source
 * accepts ({@link WriteBudget}: key, value and headers) is invalid before anything is decoded, so nothing written for it can be too
 * large. The record travels on with a written timestamp ({@link DedupClock}); its origin keeps the sender's.
 */
final class KeyingProcessor extends ContextualProcessor<byte[], byte[], Bytes, Envelope> {
    private final SourceConfig source;
    private final SchemaRegistry registry;
    private final DedupObserver observer;
    private final DedupClock clock;
    private final long largestAccepted;
    private DedupKeyResolver resolver;

    KeyingProcessor(SourceConfig source, SchemaRegistry registry, DedupObserver observer) {
        this.source = source;
        this.registry = registry;
        this.observer = observer;
        this.clock = DedupClock.of(source);
        this.largestAccepted = WriteBudget.largestAccepted(source);
    }

    @Override
    public void init(ProcessorContext<Bytes, Envelope> context) {
        super.init(context);
        resolver = new DedupKeyResolver(source, registry);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Origin origin = origin(DedupTimestampExtractor.original(record.headers(), record.timestamp()));
        long written = clock.writtenTimestamp(record.timestamp(), context().currentSystemTimeMs());
        if (written != origin.timestamp()) observer.timestampClamped(source.name());
        long size = RecordSize.of(record.key(), record.value(), record.headers());
        try {
            if (size > largestAccepted) {
                throw new InvalidRecordException(InvalidReason.OVERSIZED, "record is " + size + " bytes (key, value and headers), more than "
                        + "max-record-bytes " + largestAccepted + " of source " + source.name());
            }
            ResolvedKey key = resolver.resolve(record.headers(), record.value());
            // One Record built directly: withKey().withValue() would copy the headers twice.
            context().forward(new Record<>(Bytes.wrap(key.storeKey()), Envelope.valid(key, origin, record.key(), record.value()),
                    written, record.headers()));
        } catch (InvalidRecordException e) {
            observer.outcome(source.name(), "", Outcome.INVALID);
            context().forward(new Record<>((Bytes) null, Envelope.invalid(e.reason(), e.getMessage(), origin, record.key(), record.value()),
                    written, record.headers()));
        }
    }

    private Origin origin(long timestamp) {
        // Absent only for punctuation-driven records, which this topology never creates.
        RecordMetadata m = context().recordMetadata().orElseThrow();
        return new Origin(m.topic(), m.partition(), m.offset(), timestamp);
    }
}
