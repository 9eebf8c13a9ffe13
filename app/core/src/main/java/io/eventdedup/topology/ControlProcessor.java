package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.DedupKeys;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.key.ResolvedKey;
import io.eventdedup.key.Sha256;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.release.Release;
import io.eventdedup.release.ReleaseCommandParser;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.security.MessageDigest;

/**
 * First step of the control topic: reads each value as a release command ({@link ReleaseCommandParser}), checks it against the
 * configuration — the source must exist, tenant and key within the source's {@code max-key-chars} — and keys it by the store key of
 * (source, tenant, key), exactly as {@link KeyingProcessor} keys the data: so it meets the key's store entry, and only that tenant's.
 * A command that fails is an invalid envelope with the reason, for the DLQ.
 */
final class ControlProcessor extends ContextualProcessor<byte[], byte[], Bytes, Envelope> {
    private final DedupConfig config;
    private final SchemaRegistry registry;
    private final DedupObserver observer;
    private final MessageDigest sha = Sha256.newDigest();
    private ReleaseCommandParser parser;

    ControlProcessor(DedupConfig config, SchemaRegistry registry, DedupObserver observer) {
        this.config = config;
        this.registry = registry;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<Bytes, Envelope> context) {
        super.init(context);
        parser = new ReleaseCommandParser(registry);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata m = context().recordMetadata().orElseThrow(); // absent only for punctuation-driven records
        Origin origin = new Origin(m.topic(), m.partition(), m.offset(), record.timestamp());
        SourceConfig source = null;
        try {
            Release r = parser.parse(record.value());
            source = config.source(r.source());
            if (source == null) {
                throw new InvalidRecordException(InvalidReason.UNKNOWN_SOURCE, "command names source '" + r.source()
                        + "', which is not one of sources=" + String.join(",", config.sources().stream().map(SourceConfig::name).toList()));
            }
            withinKeyLimit(source, "tenant", r.tenant());
            withinKeyLimit(source, r.namedBy(), r.idempotencyKey());
            byte[] storeKey = DedupKeys.storeKey(sha, source.name(), r.tenant(), r.idempotencyKey());
            ResolvedKey key = new ResolvedKey(r.tenant(), r.idempotencyKey(), "release:" + r.namedBy(), new byte[0], storeKey);
            // The command's own headers stay behind: untrusted and unbounded, they would only inflate the envelope and the audit record.
            context().forward(new Record<>(Bytes.wrap(storeKey), Envelope.release(key, new ReleaseRequest(source.name(), r.reason(), r.requester()), origin),
                    record.timestamp(), new RecordHeaders()));
        } catch (InvalidRecordException e) {
            observer.release(source == null ? null : source.name(), ReleaseOutcome.REJECTED);
            context().forward(new Record<>((Bytes) null, Envelope.invalid(e.reason(), e.getMessage(), origin, record.key(), record.value()),
                    context().currentSystemTimeMs(), record.headers()));
        }
    }

    private static void withinKeyLimit(SourceConfig source, String field, String value) throws InvalidRecordException {
        if (value.length() > source.maxKeyChars()) {
            throw new InvalidRecordException(InvalidReason.BAD_COMMAND, "field " + field + " is " + value.length()
                    + " characters, more than max-key-chars " + source.maxKeyChars() + " of source " + source.name());
        }
    }
}
