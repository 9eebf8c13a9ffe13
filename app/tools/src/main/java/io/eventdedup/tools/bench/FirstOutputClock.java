package io.eventdedup.tools.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The time from an application's start to its first committed output record: a thread asks the broker, every 20 ms, for the
 * last stable offsets of the output topics (what a {@code read_committed} consumer can read) until one is past its value at
 * start.
 */
final class FirstOutputClock implements AutoCloseable {
    private static final long PERIOD_MS = 20;

    private final Admin admin;
    private final Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    private final long startNanos;
    private final long baseline;
    private final Thread thread;
    private volatile long firstAtNanos = -1;
    private volatile boolean stop;

    FirstOutputClock(Admin admin, List<String> topics, long startNanos) throws InterruptedException {
        this.admin = admin;
        this.startNanos = startNanos;
        try {
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            this.baseline = stableTotal();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the output topics " + topics + ": " + e, e);
        }
        thread = new Thread(this::run, "bench-first-output");
        thread.setDaemon(true);
        thread.start();
    }

    private long stableTotal() throws ExecutionException, InterruptedException, TimeoutException {
        long sum = 0;
        for (var info : admin.listOffsets(partitions, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS).values()) {
            sum += info.offset();
        }
        return sum;
    }

    private void run() {
        while (!stop && firstAtNanos < 0) {
            try {
                if (stableTotal() > baseline) firstAtNanos = System.nanoTime();
                else Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException e) {
                // a slow answer: ask again
            }
        }
    }

    /** Seconds from start to the first committed output; NaN if none was seen yet. */
    double seconds() {
        long at = firstAtNanos;
        return at < 0 ? Double.NaN : (at - startNanos) / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
