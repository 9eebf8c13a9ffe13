package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Locale;

/**
 * What a source's store will hold at steady state: keys ≈ unique events/s × (retention + one segment), bytes ≈ keys × bytes per
 * entry. The retention is the observation window, factor × TTL (a store keeps its keys past the TTL to see late retries). The
 * store drops expired keys a whole segment at a time, so it keeps between retention and retention + segment interval of keys.
 */
public record CapacityEstimate(double uniqueEventsPerSecond, Duration retention, Duration segmentInterval, int bytesPerEntry) {

    public long keysAtRetention() {
        return (long) Math.ceil(uniqueEventsPerSecond * retention.toMillis() / 1000.0);
    }

    public long keysAtMost() {
        return (long) Math.ceil(uniqueEventsPerSecond * (retention.toMillis() + segmentInterval.toMillis()) / 1000.0);
    }

    public long bytesAtMost() {
        return keysAtMost() * bytesPerEntry;
    }

    public String explain() {
        return String.format(Locale.ROOT,
                "  capacity at %s unique events/s: %,d keys kept for %s, up to %,d keys with one %s segment not yet dropped;"
                        + " ≈ %s on disk at %d B/entry (all partitions together)%n",
                trim(uniqueEventsPerSecond), keysAtRetention(), Durations.format(retention), keysAtMost(), Durations.format(segmentInterval), bytes(bytesAtMost()), bytesPerEntry);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%,d", (long) d) : String.format(Locale.ROOT, "%,.1f", d);
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
