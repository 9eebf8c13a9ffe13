package io.eventdedup.runtime;

import io.eventdedup.logging.ExpectedNoiseFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns Kafka Streams' state restoration into one line per recovery (WARN after an unclean shutdown, else INFO): which stores, how many partitions and records, how
 * fast, and why (stores wiped after an unclean shutdown under exactly-once, no local state, or a changelog tail to catch up).
 * The line is written when the instance is RUNNING again and nothing is restoring. Exposes {@code dedup_restore_partitions}
 * (partitions restoring now) and {@code dedup_restore_remaining_records} for the long-restore alert.
 */
public final class RestoreSummary implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreSummary.class);

    private record Progress(String store, long start, long end, AtomicLong restored) {}

    private final Map<TopicPartition, Progress> active = new ConcurrentHashMap<>();
    private final Map<String, Long> recordsByStore = new TreeMap<>();
    private int partitions;
    private int fromScratch;
    private long firstStartNanos;
    private volatile boolean running;
    private boolean previousRunUnclean;

    public RestoreSummary(MeterRegistry registry) {
        Gauge.builder("dedup.restore.partitions", active, Map::size)
                .description("Store partitions this instance is restoring from their changelogs now").register(registry);
        Gauge.builder("dedup.restore.remaining.records", this, RestoreSummary::remaining)
                .description("Changelog records still to restore on this instance").register(registry);
    }

    /** The previous run on this state directory did not close cleanly: its local state was wiped before start. */
    synchronized void previousRunUnclean() {
        previousRunUnclean = true;
    }

    private double remaining() {
        long sum = 0;
        for (Progress p : active.values()) sum += Math.max(0, p.end - p.start - p.restored.get());
        return sum;
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        if (active.isEmpty() && partitions == 0) firstStartNanos = System.nanoTime();
        active.put(partition, new Progress(store, startingOffset, endingOffset, new AtomicLong()));
        partitions++;
        if (startingOffset == 0) fromScratch++;
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        Progress p = active.get(partition);
        if (p != null) p.restored.addAndGet(numRestored);
    }

    @Override
    public synchronized void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        active.remove(partition);
        recordsByStore.merge(store, totalRestored, Long::sum);
        if (running) logWhenDone();
    }

    @Override
    public synchronized void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        active.remove(partition); // the task moved away; what it restored so far still counts
        recordsByStore.merge(store, totalRestored, Long::sum);
        if (running) logWhenDone();
    }

    /** Call on every state change of the Kafka Streams client: the summary is logged once it is RUNNING. */
    public synchronized void onStateChange(KafkaStreams.State now) {
        running = now == KafkaStreams.State.RUNNING;
        if (running) logWhenDone();
    }

    private void logWhenDone() {
        if (!active.isEmpty() || partitions == 0) return;
        long records = recordsByStore.values().stream().mapToLong(Long::longValue).sum();
        double seconds = Math.max(1e-3, (System.nanoTime() - firstStartNanos) / 1e9);
        Set<String> wiped = ExpectedNoiseFilter.drainCorruptedTasks();
        // WARN for a recovery (stores wiped after an unclean shutdown); a first start or a task moving in is routine: INFO.
        boolean recovery = previousRunUnclean || !wiped.isEmpty();
        LOG.atLevel(recovery ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO).log("Restored {} store(s) on {} partition(s) from their changelogs: {} records in {} s ({} records/s; {}); reason: {}",
                recordsByStore.size(), partitions, records, String.format("%.1f", seconds), Math.round(records / seconds),
                recordsByStore, reason(wiped));
        recordsByStore.clear();
        previousRunUnclean = false;
        partitions = 0;
        fromScratch = 0;
    }

    private String reason(Set<String> wiped) {
        if (previousRunUnclean) {
            return "the previous run on this state.dir did not close cleanly (killed or crashed); under exactly-once its stores could "
                    + "hold uncommitted writes, so they were wiped and rebuilt; nothing to do unless this repeats";
        }
        if (!wiped.isEmpty()) {
            return "tasks " + wiped + " had stores without a checkpoint (not closed cleanly, or a store that had held nothing when it "
                    + "was last closed) and, under exactly-once, their stores were wiped and rebuilt; nothing to do unless this repeats";
        }
        if (fromScratch == partitions) return "no local state for these tasks (new instance, empty state.dir, or tasks moved here)";
        return "catching up the changelog written since this instance last had the tasks";
    }
}
