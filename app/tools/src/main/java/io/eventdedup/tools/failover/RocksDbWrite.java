package io.eventdedup.tools.failover;

import io.eventdedup.runtime.BoundedRocksDbMemory;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The write bound of a restore: the records a restore would write, already in memory, written into one RocksDB per changelog
 * partition as Kafka Streams' restore writes them (a WriteBatch per polled batch, WAL off), with the options Kafka Streams'
 * RocksDB store opens with and event-dedup's {@link BoundedRocksDbMemory} on top. No fetch, no Streams: what RocksDB alone takes.
 */
final class RocksDbWrite {
    /** What the writes took. */
    record Result(long records, double seconds, double cpuSeconds) {
        double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    private final long memoryBudgetBytes;
    private final int batchRecords;

    RocksDbWrite(long memoryBudgetBytes, int batchRecords) {
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.batchRecords = batchRecords;
    }

    /** Writes each partition's records into a RocksDB of its own under {@code dir}, named after the store of {@code storeOf}. */
    Result write(Map<TopicPartition, List<ChangelogRead.KeyValue>> records, java.util.function.Function<TopicPartition, String> storeOf, Path dir)
            throws RocksDBException, IOException {
        RocksDB.loadLibrary();
        List<AutoCloseable> open = new ArrayList<>();
        List<RocksDB> dbs = new ArrayList<>();
        List<List<ChangelogRead.KeyValue>> data = new ArrayList<>();
        WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
        open.add(writeOptions);
        try {
            for (Map.Entry<TopicPartition, List<ChangelogRead.KeyValue>> e : records.entrySet()) {
                Options options = streamsOptions();
                open.add(options);
                // A window store's segment: the name the config setter recognises (NAME.SEGMENT_ID).
                new BoundedRocksDbMemory().setConfig(storeOf.apply(e.getKey()) + ".0", options,
                        Map.of(BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(memoryBudgetBytes)));
                Path path = Files.createDirectories(dir.resolve(e.getKey().toString()));
                RocksDB db = RocksDB.open(options, path.toString());
                open.add(db);
                dbs.add(db);
                data.add(e.getValue());
            }
            long count = 0;
            long cpu0 = CpuClock.thisProcess().nanos();
            long t0 = System.nanoTime();
            for (int d = 0; d < dbs.size(); d++) {
                List<ChangelogRead.KeyValue> rs = data.get(d);
                for (int from = 0; from < rs.size(); from += batchRecords) {
                    try (WriteBatch batch = new WriteBatch()) {
                        for (ChangelogRead.KeyValue kv : rs.subList(from, Math.min(rs.size(), from + batchRecords))) {
                            if (kv.value() == null) batch.delete(kv.key());
                            else batch.put(kv.key(), kv.value());
                        }
                        dbs.get(d).write(writeOptions, batch);
                    }
                }
                count += rs.size();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(count, seconds, (CpuClock.thisProcess().nanos() - cpu0) / 1e9);
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close a RocksDB resource of the write bound", e);
                }
            }
        }
    }

    /** The options Kafka Streams' RocksDB store (RocksDBStore.openDB, 4.x) sets before the config setter runs. */
    private static Options streamsOptions() {
        BlockBasedTableConfig table = new BlockBasedTableConfig();
        table.setBlockCache(new LRUCache(50L * 1024 * 1024));
        table.setBlockSize(4096L);
        table.setFilterPolicy(new BloomFilter());
        Options o = new Options();
        o.setOptimizeFiltersForHits(true);
        o.setTableFormatConfig(table);
        o.setWriteBufferSize(16L * 1024 * 1024);
        o.setCompressionType(CompressionType.NO_COMPRESSION);
        o.setCompactionStyle(CompactionStyle.UNIVERSAL);
        o.setMaxWriteBufferNumber(3);
        o.setCreateIfMissing(true);
        o.setErrorIfExists(false);
        o.setInfoLogLevel(InfoLogLevel.ERROR_LEVEL);
        o.setIncreaseParallelism(Math.max(Runtime.getRuntime().availableProcessors(), 2));
        return o;
    }
}
