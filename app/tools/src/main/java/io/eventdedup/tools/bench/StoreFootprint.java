package io.eventdedup.tools.bench;

import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The on-disk cost of the dedup stores after a clean close: every file under every directory named after one of the stores (all
 * tasks, all segments: SST files, MANIFEST, OPTIONS, LOG), and the exact number of entries they hold, counted by opening each
 * segment read-only and iterating it.
 *
 * @param bytes    total size of the files
 * @param entries  stored entries (a key stored in two segments counts twice: it is paid for twice)
 * @param segments segment databases found
 * @param sstFiles SST files found
 */
record StoreFootprint(long bytes, long entries, int segments, int sstFiles) {

    double bytesPerEntry() {
        return entries == 0 ? Double.NaN : (double) bytes / entries;
    }

    static StoreFootprint measure(Path appStateDir, Collection<String> storeNames) {
        RocksDB.loadLibrary();
        List<Path> storeDirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(appStateDir)) {
            all.filter(Files::isDirectory).filter(p -> storeNames.contains(p.getFileName().toString())).forEach(storeDirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long bytes = 0, entries = 0;
        int segments = 0, ssts = 0;
        for (Path store : storeDirs) {
            try (Stream<Path> files = Files.walk(store)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    bytes += Files.size(f);
                    if (f.getFileName().toString().endsWith(".sst")) ssts++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Stream<Path> children = Files.list(store)) {
                for (Path seg : (Iterable<Path>) children.filter(Files::isDirectory)::iterator) {
                    if (!Files.exists(seg.resolve("CURRENT"))) continue;
                    segments++;
                    entries += count(seg);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new StoreFootprint(bytes, entries, segments, ssts);
    }

    /**
     * Entries whose window-store timestamp (a key's first arrival) lies within its store's observation window of the newest entry
     * of that store: the keys the gate can still find when the run ends. The store keeps more, whole segments at a time (Kafka
     * Streams' segments are at least 60 s long). A window store's key ends with the 8-byte timestamp and a 4-byte sequence number.
     *
     * @param windowMsByStore each store's observation window, by store name
     */
    static long entriesWithinWindow(Path appStateDir, Map<String, Long> windowMsByStore) {
        RocksDB.loadLibrary();
        long within = 0;
        for (Map.Entry<String, Long> store : windowMsByStore.entrySet()) {
            List<Long> timestamps = new ArrayList<>();
            for (Path segment : segments(appStateDir, store.getKey())) timestamps.addAll(timestampsOf(segment));
            long newest = timestamps.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
            for (long ts : timestamps) if (ts > newest - store.getValue()) within++;
        }
        return within;
    }

    /** The segment databases of every task's copy of the store. */
    private static List<Path> segments(Path appStateDir, String storeName) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(appStateDir)) {
            for (Path store : (Iterable<Path>) all.filter(Files::isDirectory).filter(p -> p.getFileName().toString().equals(storeName))::iterator) {
                try (Stream<Path> children = Files.list(store)) {
                    children.filter(Files::isDirectory).filter(seg -> Files.exists(seg.resolve("CURRENT"))).forEach(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Long> timestampsOf(Path segment) {
        try (Options options = new Options().setCreateIfMissing(false);
             RocksDB db = RocksDB.openReadOnly(options, segment.toString());
             ReadOptions read = new ReadOptions().setTotalOrderSeek(true).setFillCache(false);
             RocksIterator it = db.newIterator(read)) {
            List<Long> out = new ArrayList<>();
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length >= 12) out.add(ByteBuffer.wrap(k, k.length - 12, 8).getLong());
            }
            it.status();
            return out;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the store segment " + segment + ": " + e.getMessage(), e);
        }
    }

    private static long count(Path segment) {
        try (Options options = new Options().setCreateIfMissing(false);
             RocksDB db = RocksDB.openReadOnly(options, segment.toString());
             ReadOptions read = new ReadOptions().setTotalOrderSeek(true).setFillCache(false);
             RocksIterator it = db.newIterator(read)) {
            long n = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) n++;
            it.status();
            return n;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the store segment " + segment + ": " + e.getMessage(), e);
        }
    }
}
