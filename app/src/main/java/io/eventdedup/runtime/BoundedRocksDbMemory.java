package io.eventdedup.runtime;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Bounds the off-heap memory of every RocksDB instance of this process (all stores, all segments, all tasks) by one budget:
 * one shared LRU block cache, with the memtables charged against it through a shared {@link WriteBufferManager}, and index and
 * filter blocks cached in it too (otherwise they grow with the key count outside any bound). This is the pattern of Kafka
 * Streams' memory-management guide. The cache is shared process-wide by design: Kafka instantiates this class once per store
 * segment, so the shared objects live in statics and are created on first use with the budget from the Streams config.
 *
 * <p>Tuned for the dedup access pattern: point lookups of recent keys, whole-segment drops for expiry (so no TTL compaction is
 * needed), random 16-byte keys that do not compress.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Streams config key carrying the budget in bytes. */
    public static final String BUDGET_CONFIG = "event.dedup.rocksdb.memory.bytes";
    /** Share of the budget that memtables may take. */
    static final double WRITE_BUFFER_RATIO = 0.5;
    /** Share of the block cache reserved for index and filter blocks, so data blocks cannot evict them. */
    static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long budget;

    static synchronized void init(long bytes) {
        if (cache != null) {
            if (bytes != budget) throw new IllegalStateException("RocksDB memory budget already set to " + budget + " bytes in this process");
            return;
        }
        budget = bytes;
        cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
        writeBufferManager = new WriteBufferManager((long) (bytes * WRITE_BUFFER_RATIO), cache);
    }

    /** The budget in force in this process, or 0 before the first store opened. */
    public static synchronized long budgetBytes() {
        return budget;
    }

    /** Bytes the shared cache holds now (data, index and filter blocks plus memtable reservations). */
    public static synchronized long usageBytes() {
        return cache == null ? 0 : cache.getUsage();
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object b = configs.get(BUDGET_CONFIG);
        if (b == null) throw new IllegalStateException(BUDGET_CONFIG + " missing from the Streams config");
        init(Long.parseLong(b.toString()));

        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setFilterPolicy(new BloomFilter(10, false));
        table.setBlockSize(4 * 1024); // point lookups: small blocks read less per miss
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBufferManager);
        options.setCompactionStyle(CompactionStyle.LEVEL);
        options.setCompressionType(CompressionType.LZ4_COMPRESSION); // hashes do not compress; LZ4 costs next to nothing trying
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write-buffer manager are shared by every store of the process: never closed per store.
    }
}
