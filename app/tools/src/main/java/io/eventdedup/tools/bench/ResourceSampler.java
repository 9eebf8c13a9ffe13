package io.eventdedup.tools.bench;

import io.eventdedup.runtime.BoundedRocksDbMemory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Samples, every {@code periodMs}, the JVM heap (used now, and live after the last GC) and the bytes held by the shared RocksDB
 * cache ({@link BoundedRocksDbMemory#usageBytes()}: block cache plus the memtables charged to it). Keeps the peaks.
 */
final class ResourceSampler implements AutoCloseable {
    private final long periodMs;
    private final Thread thread;
    private final List<MemoryPoolMXBean> heapPools;
    private volatile boolean stop;
    private volatile long peakHeapUsed;
    private volatile long peakHeapLive;
    private volatile long peakRocksDb;
    private volatile long samples;

    ResourceSampler(long periodMs) {
        this.periodMs = periodMs;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        this.thread = new Thread(this::run, "bench-resource-sampler");
        this.thread.setDaemon(true);
    }

    ResourceSampler start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!stop) {
            sample();
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long live = 0;
        for (MemoryPoolMXBean p : heapPools) {
            MemoryUsage u = p.getCollectionUsage();
            if (u != null) live += u.getUsed();
        }
        long rocks = BoundedRocksDbMemory.usageBytes();
        if (used > peakHeapUsed) peakHeapUsed = used;
        if (live > peakHeapLive) peakHeapLive = live;
        if (rocks > peakRocksDb) peakRocksDb = rocks;
        samples++;
    }

    long peakHeapUsed() {
        return peakHeapUsed;
    }

    /** Heap occupied after the last collection (summed over the heap pools), at its highest: the live set plus what survived. */
    long peakHeapLive() {
        return peakHeapLive;
    }

    long peakRocksDb() {
        return peakRocksDb;
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5_000);
        sample();
    }
}
