package io.eventdedup.runtime;

import io.eventdedup.config.StreamsProperties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RocksDB settings of the dedup stores (prefix extractor and prefix blooms on the 16-byte store key) must not change what a
 * dedup lookup finds: a window-store fetch of one key over a time range, across memtables, many SST files and several segments,
 * with keys that share their first bytes, out-of-order timestamps and expired segments. Checked against a model.
 */
class BoundedRocksDbMemoryTest {
    static final Duration RETENTION = Duration.ofMinutes(10); // segments of 5 minutes
    static final long TTL_MS = Duration.ofMinutes(8).toMillis();
    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @Test
    void theCacheIsSizedUnderTheBudgetSoItsOvershootsStayWithin() {
        long budget = 256L << 20;
        assertThat(BoundedRocksDbMemory.cacheCapacity(budget)).isLessThan(budget)
                .isGreaterThanOrEqualTo((long) (budget * 0.95)) // most of the budget still caches blocks
                .isLessThanOrEqualTo(budget - (1L << 20)); // at least 1 MiB of headroom at the shipped budget (0.1 MiB overshoot seen)
    }

    @Test
    void dedupStoresGetThePrefixExtractorOthersDoNot() {
        assertThat(BoundedRocksDbMemory.isDedupStore("dedup-telemetry-store")).isTrue();
        assertThat(BoundedRocksDbMemory.isDedupStore("dedup-telemetry-store.1767225600000")).isTrue();
        assertThat(BoundedRocksDbMemory.isDedupStore("dedup-my.source-store.60000")).isTrue();
        assertThat(BoundedRocksDbMemory.isDedupStore("KSTREAM-AGGREGATE-STATE-STORE-0000000001")).isFalse();
        assertThat(BoundedRocksDbMemory.isDedupStore("dedup-telemetry-store-changelog")).isFalse();
    }

    @Test
    void windowFetchesOfOneKeyFindExactlyWhatWasStored(@TempDir Path dir) {
        Map<String, String> settings = Map.of(
                StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName(),
                // The budget is process-wide: the same as the other tests that run the app in this JVM.
                BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(64L << 20),
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        var props = StreamsProperties.build("rocksdb-prefix-test", "unused:9092", dir.toString(), settings);

        List<String> mismatches = new ArrayList<>();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore("dedup-test-store", RETENTION, Duration.ofMillis(1), false), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled());
        builder.stream("in", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("in"))
                .process(() -> new Checker(mismatches), Named.as("check"), "dedup-test-store");

        // 300 keys in groups of 3 that share their first 15 bytes: a lookup must not see its neighbours.
        SplittableRandom random = new SplittableRandom(7);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] base = new byte[16];
            random.nextBytes(base);
            for (int j = 0; j < 3; j++) {
                byte[] k = base.clone();
                k[15] = (byte) j;
                keys.add(k);
            }
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props, Instant.ofEpochMilli(T0))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            long time = T0;
            for (int i = 0; i < 3_000; i++) {
                time += random.nextInt(1_200); // about 30 minutes in all: six segments, the first ones expire
                long ts = time - random.nextInt(60_000); // up to a minute out of order
                in.pipeInput(keys.get(random.nextInt(keys.size())), new byte[0], ts);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Looks each record's key up over the last TTL, compares with the model, and stores the key when it was not found. */
    static final class Checker extends ContextualProcessor<byte[], byte[], Void, Void> {
        private final List<String> mismatches;
        private final Map<Bytes, TreeSet<Long>> model = new HashMap<>();
        private WindowStore<Bytes, byte[]> store;
        private long streamTime = Long.MIN_VALUE;

        Checker(List<String> mismatches) {
            this.mismatches = mismatches;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            super.init(context);
            store = context.getStateStore("dedup-test-store");
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Bytes key = Bytes.wrap(record.key());
            long ts = record.timestamp();
            streamTime = Math.max(streamTime, ts);
            long oldestKept = streamTime - RETENTION.toMillis() + 1;
            long from = ts - TTL_MS + 1;
            List<Long> found = new ArrayList<>();
            try (WindowStoreIterator<byte[]> it = store.fetch(key, from, Long.MAX_VALUE)) {
                while (it.hasNext()) {
                    KeyValue<Long, byte[]> kv = it.next();
                    found.add(kv.key);
                }
            }
            List<Long> expected = new ArrayList<>(model.getOrDefault(key, new TreeSet<>()).tailSet(Math.max(from, oldestKept)));
            if (!found.equals(expected)) mismatches.add(key + " at " + ts + ": found " + found + ", expected " + expected);
            if (found.isEmpty() && ts >= oldestKept) {
                store.put(key, new byte[34], ts);
                model.computeIfAbsent(key, k -> new TreeSet<>()).add(ts);
            }
        }
    }
}
