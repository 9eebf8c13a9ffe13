package io.eventdedup.runtime;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.limits.RecordSize;
import io.eventdedup.topology.DeadLetters;
import io.eventdedup.topology.Envelope;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.topology.EnvelopeNames;
import io.eventdedup.topology.EnvelopeSerde;
import io.eventdedup.topology.Origin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The last line behind {@link io.eventdedup.limits.WriteBudget} and the dedup clock: what happens when the broker still refuses a
 * record as too large or its timestamp as out of range (a topic's limit lowered while the gate runs). Under at-least-once the record
 * goes to the DLQ as a reference — where its input is, its size, the reason, no payload — and processing goes on. Under exactly-once
 * the refusal has already doomed the transaction, so resuming would retry the same record for ever in silence: FAIL, so the instance
 * stops with a message that names the topic and the size, and exits non-zero. Every other production error keeps Kafka Streams'
 * default (FAIL).
 */
public final class DedupProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DedupProductionExceptionHandler.class);

    private DeadLetters deadLetters;
    private boolean exactlyOnce;
    /** Reads an envelope's origin topic, which it holds as a code of one of the configured input topics. */
    private EnvelopeSerde envelopes = new EnvelopeSerde();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DedupProcessingExceptionHandler.deadLetters(configs);
        Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        exactlyOnce = guarantee == null || !StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
        Object topics = configs.get(StreamsProperties.INPUT_TOPICS_CONFIG);
        if (topics != null && !topics.toString().isEmpty()) envelopes = new EnvelopeSerde(EnvelopeNames.ofTopics(List.of(topics.toString().split(","))));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof RecordTooLargeException || exception instanceof InvalidTimestampException)) return Response.fail();
        long size = RecordSize.of(record.key(), record.value(), record.headers());
        String detail = "the broker refused a " + size + "-byte record for " + record.topic() + ": " + exception.getMessage();
        if (exactlyOnce) {
            LOG.error("{} (input {}-{}@{}); under exactly-once the transaction cannot go on without it: stopping. Check the topic's "
                    + "max.message.bytes and message.timestamp.* settings against what start-up checked", detail, context.topic(),
                    context.partition(), context.offset());
            return Response.fail();
        }
        Origin origin = origin(context, envelopes);
        LOG.warn("{}: sending a reference to input {}-{}@{} to {}", detail, origin.topic(), origin.partition(), origin.offset(), deadLetters.topic());
        DeadLetters.Cause cause = DeadLetters.Cause.of(DedupProcessingExceptionHandler.sourceOf(context.processorNodeId()),
                InvalidReason.TOO_LARGE_TO_WRITE, detail, origin);
        return Response.resume(List.of(DeadLetters.toProducerRecord(deadLetters.reference(cause, size, System.currentTimeMillis()))));
    }

    /**
     * Where the input record is: read from our envelope when the record being processed came through a repartition topic (and its
     * origin topic is one of the configured ones, see {@link EnvelopeNames}).
     */
    static Origin origin(ErrorHandlerContext context, EnvelopeSerde envelopes) {
        byte[] raw = context.sourceRawValue();
        if (raw != null && context.topic() != null && context.topic().endsWith("-repartition")) {
            try {
                Envelope e = envelopes.deserializer().deserialize(context.topic(), raw);
                if (e != null && !EnvelopeNames.isUnresolved(e.origin().topic())) return e.origin();
            } catch (RuntimeException notAnEnvelope) {
                // fall through: the context's own coordinates are still a true reference
            }
        }
        return new Origin(context.topic(), context.partition(), context.offset(), context.timestamp());
    }
}
