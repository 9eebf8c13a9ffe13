package io.eventdedup.tools.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;

/** The demo's live line, read from the application's own metrics: records in, each outcome, events/s and the p99 of the end-to-end latency it measured. */
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
        return count("unique") + count("duplicate") + count("payload_mismatch") + count("stale") + count("invalid");
    }

    private OutputLatency latency;

    /** Where the measured end-to-end latency comes from (a read_committed consumer on the outputs). */
    Progress latency(OutputLatency l) {
        latency = l;
        return this;
    }

    private String p99() {
        long p99 = latency == null ? -1 : latency.p99Millis();
        return p99 < 0 ? "p99 -" : String.format(Locale.ROOT, "p99 %,d ms", p99);
    }

    void print(long sent) {
        long now = System.nanoTime();
        long processed = processed();
        if (now - lastAt >= 500_000_000L) {
            rate = (processed - lastProcessed) * 1e9 / (now - lastAt);
            lastProcessed = processed;
            lastAt = now;
        }
        System.out.printf(Locale.ROOT, "\r%5.1fs  sent %,d  in %,d  unique %,d  duplicate %,d  mismatch %,d  stale %,d  invalid %,d  %,.0f events/s  %s (send to committed output)   ",
                (now - started) / 1e9, sent, processed, count("unique"), count("duplicate"), count("payload_mismatch"), count("stale"),
                count("invalid"), rate, p99());
        System.out.flush();
    }
}
