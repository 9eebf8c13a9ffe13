package io.eventdedup.tools.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;

import java.util.Locale;

/** The demo's live line, read from the application's own metrics: records in, each outcome, events/s and p99 latency. */
final class Progress {
    private final MeterRegistry meters;
    private final long started = System.nanoTime();
    private long lastProcessed;
    private long lastAt = System.nanoTime();
    private double rate;

    Progress(MeterRegistry meters) {
        this.meters = meters;
    }

    long count(String outcome) {
        return (long) meters.find("dedup.events").tag("outcome", outcome).counters().stream().mapToDouble(Counter::count).sum();
    }

    long processed() {
        return count("unique") + count("duplicate") + count("payload_mismatch") + count("invalid");
    }

    /** p99 of the unique events' latency: the upper bound of the histogram bucket holding the 99th percentile. */
    double p99Millis() {
        double total = 0;
        CountAtBucket[] merged = null;
        for (Timer t : meters.find("dedup.unique.latency").timers()) {
            CountAtBucket[] b = t.takeSnapshot().histogramCounts();
            total += t.count();
            if (merged == null) merged = b.clone();
            else for (int i = 0; i < b.length && i < merged.length; i++) merged[i] = new CountAtBucket(merged[i].bucket(), merged[i].count() + b[i].count());
        }
        if (merged == null || total == 0) return 0;
        for (CountAtBucket b : merged) if (b.count() >= 0.99 * total) return b.bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
        return Double.POSITIVE_INFINITY;
    }

    void print(long sent) {
        long now = System.nanoTime();
        long processed = processed();
        if (now - lastAt >= 500_000_000L) {
            rate = (processed - lastProcessed) * 1e9 / (now - lastAt);
            lastProcessed = processed;
            lastAt = now;
        }
        System.out.printf(Locale.ROOT, "\r%5.1fs  sent %,d  in %,d  unique %,d  duplicate %,d  mismatch %,d  invalid %,d  %,.0f events/s  p99 ≤ %.0f ms   ",
                (now - started) / 1e9, sent, processed, count("unique"), count("duplicate"), count("payload_mismatch"), count("invalid"), rate, p99Millis());
        System.out.flush();
    }
}
