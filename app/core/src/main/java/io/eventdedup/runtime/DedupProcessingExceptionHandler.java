package io.eventdedup.runtime;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.topology.DeadLetters;
import io.eventdedup.topology.Envelope;
import io.eventdedup.topology.Origin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * What happens when a processor throws. A registry outage is not the record's fault: FAIL, so the stream thread stops, the
 * transaction aborts, and the uncaught-exception policy replaces the thread to retry from the last commit — processing pauses, no
 * good record reaches the DLQ. A state store failure (RocksDB cannot read or write, a store is closed) is not the record's fault
 * either, and it is not transient: FAIL, so the client stops and exits non-zero rather than sending every following record to the
 * DLQ while the store is broken; a restart restores the store from its changelog. Any other exception is a record the code could
 * not handle: it goes to the DLQ with its original bytes and the exception, and processing resumes.
 */
public final class DedupProcessingExceptionHandler implements ProcessingExceptionHandler {
    public static final String DLQ_TOPIC_CONFIG = io.eventdedup.config.StreamsProperties.DLQ_TOPIC_CONFIG;
    /** The largest record the DLQ holds (WriteBudget); a larger copy goes as a reference. Absent: the broker's 1 MiB default. */
    public static final String DLQ_MAX_RECORD_BYTES_CONFIG = io.eventdedup.config.StreamsProperties.DLQ_MAX_RECORD_BYTES_CONFIG;
    private static final Logger LOG = LoggerFactory.getLogger(DedupProcessingExceptionHandler.class);

    private String dlqTopic;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = deadLetters(configs);
        dlqTopic = deadLetters.topic();
    }

    /** The DLQ writer the handlers share, from the Streams config. */
    static DeadLetters deadLetters(Map<String, ?> configs) {
        Object t = configs.get(DLQ_TOPIC_CONFIG);
        if (t == null) throw new IllegalStateException(DLQ_TOPIC_CONFIG + " missing from the Streams config");
        Object max = configs.get(DLQ_MAX_RECORD_BYTES_CONFIG);
        return new DeadLetters(t.toString(), max == null ? 1_048_588L : Long.parseLong(max.toString()));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (UncaughtExceptionPolicy.isTransient(exception)) {
            LOG.warn("{} at {}-{}@{}: pausing this stream thread until it is available again", exception.getMessage(),
                    context.topic(), context.partition(), context.offset());
            return Response.fail();
        }
        if (isStoreFailure(exception)) {
            LOG.error("State store failure processing {}-{}@{} in {}: stopping; the record stays uncommitted and is processed again after "
                    + "a restart", context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
            return Response.fail();
        }
        LOG.error("Unexpected error processing {}-{}@{} in {}: sending the record to {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), dlqTopic, exception);
        return Response.resume(List.of(deadLetter(context, record, exception)));
    }

    /** A failure of the state store itself, anywhere in the cause chain, rather than of the record being processed. */
    static boolean isStoreFailure(Throwable t) {
        return UncaughtExceptionPolicy.anyCause(t, c -> c instanceof org.apache.kafka.streams.errors.ProcessorStateException
                || c instanceof org.apache.kafka.streams.errors.InvalidStateStoreException
                || c instanceof org.rocksdb.RocksDBException);
    }

    ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        byte[] key;
        byte[] value;
        Origin origin;
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        if (record.value() instanceof Envelope e) {
            // After the repartition, the raw source record is our envelope: recover the original record from it.
            key = e.originalKey();
            value = e.originalValue();
            origin = e.origin();
        } else {
            key = context.sourceRawKey();
            value = context.sourceRawValue();
            origin = new Origin(context.topic(), context.partition(), context.offset(), context.timestamp());
        }
        String detail = exception.getClass().getName() + ": " + exception.getMessage() + " (in " + context.processorNodeId() + ")";
        DeadLetters.Cause cause = DeadLetters.Cause.of(sourceOf(context.processorNodeId()), InvalidReason.PROCESSING_ERROR, detail, origin);
        return DeadLetters.toProducerRecord(deadLetters.letter(cause, key, value, headers, System.currentTimeMillis()));
    }

    /** Steps whose names have a dash of their own (source names may have dashes too, so these are matched whole). */
    private static final java.util.List<String> MULTI_WORD_STEPS = java.util.List.of("-stale-check", "-by-entity-key", "-invalid-to-dlq");

    /** The source a processor belongs to: every processor is named {@code {source}-{step}}; the control topic's belong to none. */
    static String sourceOf(String processorNodeId) {
        if (processorNodeId == null || processorNodeId.startsWith(io.eventdedup.topology.DedupTopology.CONTROL)) return null;
        for (String step : MULTI_WORD_STEPS) {
            if (processorNodeId.endsWith(step)) {
                return processorNodeId.length() > step.length() ? processorNodeId.substring(0, processorNodeId.length() - step.length()) : null;
            }
        }
        int dash = processorNodeId.lastIndexOf('-');
        return dash <= 0 ? null : processorNodeId.substring(0, dash);
    }
}
