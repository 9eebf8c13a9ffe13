package io.eventdedup.runtime;

import io.eventdedup.key.DedupKeys;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.Filter;
import org.rocksdb.HashSkipListMemTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bounds the off-heap memory of every RocksDB instance of this process (all stores, all segments, all tasks) by one budget:
 * one shared LRU block cache, with the memtables charged against it through a shared {@link WriteBufferManager}, and index and
 * filter blocks cached in it too (otherwise they grow with the key count outside any bound). This is the pattern of Kafka
 * Streams' memory-management guide. The cache is shared process-wide by design: Kafka instantiates this class once per store
 * segment, so the shared objects live in statics and are created on first use with the budget from the Streams config.
 *
 * <p>Tuned for the dedup access pattern: point lookups of recent keys, whole-segment drops for expiry (so no TTL compaction is
 * needed), random 16-byte keys that do not compress.
 *
 * <p><b>Lookups.</b> A dedup store is a window store: its RocksDB key is the 16-byte store key followed by the 8-byte window
 * timestamp and a 4-byte sequence number, and the dedup check is a range scan over one store key's timestamps
 * ({@code fetch(key, from, to)}), one per live segment. A plain bloom filter never helps a range scan, so every lookup would
 * seek into the memtable and every SST file of every segment. With a fixed-length prefix extractor on the 16-byte store key,
 * RocksDB builds bloom filters over the prefixes in the SST files and a seek skips every file whose filter rules the store key
 * out: most lookups are for keys seen nowhere (the unique events), and they become nearly free. Filters are kept on the last
 * level too ({@code optimize_filters_for_hits} off): lookups here mostly miss. The memtable is a hash of small skip lists by that prefix rather than one skip list of every key: a lookup or insert finds
 * its bucket in O(1) instead of walking a skip list of ~10^5 random keys (measured: about 1 µs less per put).
 *
 * <p>Prefix seeks are only defined within one prefix. That is all a dedup store ever does (a single store key's time range, which
 * Kafka Streams bounds by an upper key of the same prefix), so the extractor is set only for stores named like a dedup store
 * ({@code dedup-NAME-store} and its segments); any other store keeps total-order seeks.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Streams config key carrying the budget in bytes. */
    public static final String BUDGET_CONFIG = io.eventdedup.config.StreamsProperties.ROCKSDB_BUDGET_CONFIG;
    /** Share of the budget that memtables may take. */
    static final double WRITE_BUFFER_RATIO = 0.5;
    /**
     * Share of the budget kept out of the cache's capacity. The cache has no strict limit (with one, a read whose block cannot be
     * inserted while every entry is pinned fails, and the task with it), so its usage may briefly exceed its capacity while
     * blocks are pinned by open iterators or a memtable reservation is being charged; the bench saw 0.1 MiB over a 256 MiB
     * capacity. 2% keeps those moments inside the budget.
     */
    static final double HEADROOM_RATIO = 0.02;
    /** Share of the block cache reserved for index and filter blocks, so data blocks cannot evict them. */
    static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
    /**
     * Buckets of a dedup store's hash memtable. The bucket array lives in the memtable's arena, so it is charged to the budget:
     * 400 KiB per memtable; Kafka Streams' 16 MiB write buffers hold ~10^5 entries, a few per bucket.
     */
    static final int MEMTABLE_HASH_BUCKETS = 50_000;
    /** The window stores of {@code SourceConfig.storeName()} and their segments ({@code NAME.SEGMENT_ID}). */
    static final Pattern DEDUP_STORE = Pattern.compile("dedup-.+-store(\\.\\d+)?");

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static Filter filter;
    private static long budget;

    static synchronized void init(long bytes) {
        if (cache != null) {
            if (bytes != budget) throw new IllegalStateException("RocksDB memory budget already set to " + budget + " bytes in this process");
            return;
        }
        budget = bytes;
        cache = new LRUCache(cacheCapacity(bytes), -1, false, HIGH_PRIORITY_POOL_RATIO);
        writeBufferManager = new WriteBufferManager((long) (bytes * WRITE_BUFFER_RATIO), cache);
        filter = new BloomFilter(10, false);
    }

    /** The shared cache's capacity for a budget: the budget less the headroom for its brief overshoots. */
    static long cacheCapacity(long budgetBytes) {
        return (long) (budgetBytes * (1 - HEADROOM_RATIO));
    }

    /** The budget in force in this process, or 0 before the first store opened. */
    public static synchronized long budgetBytes() {
        return budget;
    }

    /** Bytes the shared cache holds now (data, index and filter blocks plus memtable reservations). */
    public static synchronized long usageBytes() {
        return cache == null ? 0 : cache.getUsage();
    }

    /** True for the stores whose lookups are single-store-key range scans, which get the prefix extractor. */
    static boolean isDedupStore(String storeName) {
        return DEDUP_STORE.matcher(storeName).matches();
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
        table.setFilterPolicy(filter);
        table.setBlockSize(4 * 1024); // point lookups: small blocks read less per miss
        if (isDedupStore(storeName)) {
            options.useFixedLengthPrefixExtractor(DedupKeys.STORE_KEY_BYTES);
            table.setWholeKeyFiltering(false); // no point gets on a window store: whole-key entries would only double the filters
            // A hash memtable needs the prefix extractor, and one writer at a time (a store is written by its task's thread only).
            options.setMemTableConfig(new HashSkipListMemTableConfig().setBucketCount(MEMTABLE_HASH_BUCKETS));
            options.setAllowConcurrentMemtableWrite(false);
            options.setOptimizeFiltersForHits(false); // Kafka Streams turns it on; lookups here mostly miss
        }
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBufferManager);
        options.setCompactionStyle(CompactionStyle.LEVEL);
        options.setCompressionType(CompressionType.LZ4_COMPRESSION); // hashes do not compress; LZ4 costs next to nothing trying
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache, write-buffer manager and filter policy are shared by every store of the process: never closed per store.
    }
}
