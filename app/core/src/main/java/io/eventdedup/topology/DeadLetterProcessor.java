package io.eventdedup.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** Turns the invalid envelopes of a source's keying step into dead letters ({@link DeadLetters}): a copy, or for an oversized record a reference. */
final class DeadLetterProcessor extends ContextualProcessor<Bytes, Envelope, byte[], Routed> {
    private final String source;
    private final DeadLetters deadLetters;

    DeadLetterProcessor(String source, DeadLetters deadLetters) {
        this.source = source;
        this.deadLetters = deadLetters;
    }

    @Override
    public void process(Record<Bytes, Envelope> record) {
        Envelope e = record.value();
        DeadLetters.Cause cause = DeadLetters.Cause.of(source, e.invalidReason(), e.invalidDetail(), e.origin());
        long wall = context().currentSystemTimeMs();
        context().forward(e.invalidReason() == io.eventdedup.key.InvalidReason.OVERSIZED
                ? deadLetters.reference(cause, io.eventdedup.limits.RecordSize.of(e.originalKey(), e.originalValue(), record.headers()), wall)
                : deadLetters.letter(cause, e.originalKey(), e.originalValue(), record.headers(), wall));
    }
}
