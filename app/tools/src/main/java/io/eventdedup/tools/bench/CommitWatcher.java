package io.eventdedup.tools.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Tells when a Streams application has consumed, and committed, everything: its consumer group's committed offset has reached the
 * end of every input partition, and of every partition of its repartition topics.
 *
 * <p>Input topics are written by a plain (non-transactional) producer, so their end offset is one past their last record. A
 * repartition topic is written transactionally by the application itself: every transaction ends, on each partition it wrote,
 * with a commit marker. Once the input is fully committed nothing writes to it any more; when its last stable offset equals its
 * end offset (no transaction open) the last entry is a marker, and a committed offset of at least end − 1 means every record
 * before it was consumed (Streams commits either the marker's offset or the position past it).
 */
final class CommitWatcher {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String groupId;
    private final List<TopicPartition> inputs;
    private final List<TopicPartition> internal;

    private CommitWatcher(Admin admin, String groupId, List<TopicPartition> inputs, List<TopicPartition> internal) {
        this.admin = admin;
        this.groupId = groupId;
        this.inputs = inputs;
        this.internal = internal;
    }

    static CommitWatcher of(Admin admin, String groupId, Collection<String> inputTopics, Collection<String> internalTopics)
            throws InterruptedException {
        return new CommitWatcher(admin, groupId, partitions(admin, inputTopics), partitions(admin, internalTopics));
    }

    /** Committed input records so far, summed over the input partitions (for progress lines). */
    long committedInput() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed();
        long sum = 0;
        for (TopicPartition tp : inputs) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) sum += o.offset();
        }
        return sum;
    }

    /** True when everything is consumed and committed. */
    boolean done() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed();
        Map<TopicPartition, Long> inputEnds = offsets(inputs, IsolationLevel.READ_UNCOMMITTED);
        for (TopicPartition tp : inputs) {
            long end = inputEnds.get(tp);
            if (end == 0) continue;
            OffsetAndMetadata o = committed.get(tp);
            if (o == null || o.offset() < end) return false;
        }
        if (internal.isEmpty()) return true;
        Map<TopicPartition, Long> ends = offsets(internal, IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> stable = offsets(internal, IsolationLevel.READ_COMMITTED);
        for (TopicPartition tp : internal) {
            long end = ends.get(tp);
            if (end == 0) continue;
            if (stable.get(tp) != end) return false; // a transaction is still open on it
            OffsetAndMetadata o = committed.get(tp);
            if (o == null || o.offset() < end - 1) return false;
        }
        return true;
    }

    /**
     * Polls {@link #done()} every {@code every} until it holds; returns false after {@code timeout}, or as soon as {@code failed}
     * says the application died.
     */
    boolean await(Duration every, Duration timeout, BooleanSupplier failed, ProgressLine progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (done()) return true;
            if (failed.getAsBoolean()) return false;
            if (progress != null && System.nanoTime() >= nextProgress) {
                progress.print(committedInput());
                nextProgress = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            Thread.sleep(every.toMillis());
        }
        return false;
    }

    interface ProgressLine {
        void print(long committedInputRecords);
    }

    private Map<TopicPartition, OffsetAndMetadata> committed() throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return m == null ? Map.of() : m;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + groupId + ": " + e, e);
        }
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, IsolationLevel isolation) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicPartition tp : partitions) specs.put(tp, OffsetSpec.latest());
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(specs, new ListOffsetsOptions(isolation)).all()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            r.forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the offsets of " + partitions + ": " + e, e);
        }
    }

    /**
     * For a group that has not started yet: commits the topics' current end offsets as its positions, so that it reads only
     * what is written after (a consumer's {@code auto.offset.reset=latest} would resolve its position only at its first fetch,
     * after records sent in between).
     */
    static void commitEnds(Admin admin, String groupId, Collection<String> topics) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicPartition tp : partitions(admin, topics)) specs.put(tp, OffsetSpec.latest());
        try {
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(specs).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot commit the end offsets of " + topics + " for group " + groupId + ": " + e, e);
        }
    }

    static List<TopicPartition> partitions(Admin admin, Collection<String> topics) throws InterruptedException {
        if (topics.isEmpty()) return List.of();
        try {
            Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<TopicPartition> out = new ArrayList<>();
            for (TopicDescription td : d.values()) td.partitions().forEach(p -> out.add(new TopicPartition(td.name(), p.partition())));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topics + ": " + e, e);
        }
    }
}
