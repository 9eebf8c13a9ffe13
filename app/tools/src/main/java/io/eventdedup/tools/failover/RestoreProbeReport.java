package io.eventdedup.tools.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The restore probe's figures as a table (with issue 11's restore target and the bounds) and as JSON. */
public final class RestoreProbeReport {
    /** Issue 11's restore target. */
    static final double TARGET_KEYS_PER_SECOND = 200_000;

    private RestoreProbeReport() {}

    /** The median keys/s of each variant over its rounds, in the variants' order. */
    static Map<String, Double> medianByVariant(List<RestoreProbe.Restore> restores) {
        Map<String, List<RestoreProbe.Restore>> by = restores.stream().collect(Collectors.groupingBy(r -> r.variant().name(), LinkedHashMap::new, Collectors.toList()));
        Map<String, Double> m = new LinkedHashMap<>();
        by.forEach((name, rs) -> m.put(name, FailoverReport.median(rs.stream().mapToDouble(RestoreProbe.Restore::recordsPerSecond).toArray())));
        return m;
    }

    private static String cores(double cpu, double wall) {
        double c = RestoreProbe.Restore.cores(cpu, wall);
        return c < 0 ? "-" : String.format(Locale.ROOT, "%.2f", c);
    }

    /** CPU microseconds per record; "-" when unknown. */
    static String micros(double cpuSeconds, long records) {
        return cpuSeconds < 0 || records <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", cpuSeconds * 1e6 / records);
    }

    /** The fetch bound of {@code round} read with the restore-consumer settings of {@code v}, if measured. */
    static java.util.Optional<RestoreProbe.FetchBound> fetchFor(RestoreProbe.Result r, int round, RestoreVariant v) {
        Map<String, String> settings = RestoreProbe.restoreConsumerSettings(v);
        return r.fetches().stream().filter(f -> f.round() == round && f.consumerSettings().equals(settings)).findFirst();
    }

    public static String table(RestoreProbe.Result r) {
        StringBuilder b = new StringBuilder();
        RestoreProbe.Options o = r.options();
        b.append(String.format(Locale.ROOT, "Restore probe: %,d keys pre-filled (%.0f s), %d input partitions; changelogs: %d topics, %d partitions, "
                        + "%,d offsets, %,d bytes on the broker (%.1f B/offset); broker: %s; load average %.2f at start, %.2f at end%n%n", r.prefilledKeys(),
                r.prefillSeconds(), o.partitions(), r.changelogs().topics().size(), r.changelogs().partitions(), r.changelogs().endOffsets(),
                r.changelogs().bytes(), r.changelogs().endOffsets() > 0 ? (double) r.changelogs().bytes() / r.changelogs().endOffsets() : 0, r.broker(), r.loadAverageAtStart(),
                r.loadAverageAtEnd()));
        b.append(String.format(Locale.ROOT, "%-5s %-14s %11s %5s %8s %10s %6s %9s %8s %12s %11s  %s%n", "round", "variant", "restored", "parts",
                "seconds", "keys/s", "/fetch", "app cores", "app us/r", "broker cores", "RUNNING (s)", "settings"));
        for (RestoreProbe.Restore x : r.restores()) {
            String overFetch = fetchFor(r, x.round(), x.variant()).map(f -> String.format(Locale.ROOT, "%.2f", x.recordsPerSecond() / f.result().recordsPerSecond())).orElse("-");
            b.append(String.format(Locale.ROOT, "%-5d %-14s %,11d %5d %8.2f %,10.0f %6s %9s %8s %12s %11.1f  %s%n", x.round(), x.variant().name(),
                    x.records(), x.partitions(), x.seconds(), x.recordsPerSecond(), overFetch, cores(x.appCpuSeconds(), x.seconds()),
                    micros(x.appCpuSeconds(), x.records()), cores(x.brokerCpuSeconds(), x.seconds()), x.secondsToRunning(),
                    x.variant().settings().isEmpty() ? "(shipped)" : x.variant().toString().substring(x.variant().name().length() + 1)));
        }
        b.append('\n').append("Bounds on the same changelog, in the probe's JVM, every round (cores: CPU s over wall s; us/r: CPU microseconds per record):\n");
        if (r.fetches().isEmpty()) b.append("  (not measured: --no-bounds)\n");
        for (RestoreProbe.FetchBound fb : r.fetches()) {
            ChangelogRead.Result f = fb.result();
            b.append(String.format(Locale.ROOT, "  %d fetch: KafkaConsumer, read_committed, %s: %,d records in %.2f s = %,.0f records/s, %.1f MB/s "
                            + "(%.1f B/record as the consumer counts them, key+value %.1f B); consumer %s cores, %s us/r; broker %s cores%n",
                    fb.round(), fb.consumerSettings(), f.records(), f.seconds(), f.recordsPerSecond(), f.fetchedMegabytesPerSecond(),
                    f.records() > 0 ? f.fetchedBytes() / f.records() : 0, f.records() > 0 ? (double) f.valueAndKeyBytes() / f.records() : 0,
                    cores(f.cpuSeconds(), f.seconds()), micros(f.cpuSeconds(), f.records()), cores(f.brokerCpuSeconds(), f.seconds())));
        }
        for (RestoreProbe.WriteBound wb : r.writes()) {
            RocksDbWrite.Result w = wb.result();
            b.append(String.format(Locale.ROOT, "  %d write: RocksDB WriteBatch of %,d, WAL off, Streams' and event-dedup's options (budget %d MiB): "
                    + "%,d records in %.2f s = %,.0f records/s; %s cores, %s us/r%n", wb.round(), wb.batchRecords(), wb.memoryBudgetBytes() >> 20,
                    w.records(), w.seconds(), w.recordsPerSecond(),
                    cores(w.cpuSeconds(), w.seconds()), micros(w.cpuSeconds(), w.records())));
        }
        Map<String, Double> medians = medianByVariant(r.restores());
        b.append('\n');
        medians.forEach((name, keys) -> b.append(String.format(Locale.ROOT, "  %-14s median %,10.0f keys/s%n", name, keys)));
        if (!r.writes().isEmpty()) {
            b.append(String.format(Locale.ROOT, "  %-14s median %,10.0f records/s%n", "fetch bound",
                    FailoverReport.median(r.fetches().stream().filter(f -> f.consumerSettings().equals(RestoreProbe.restoreConsumerSettings(o.variants().get(0))))
                            .mapToDouble(f -> f.result().recordsPerSecond()).toArray())));
            b.append(String.format(Locale.ROOT, "  %-14s median %,10.0f records/s%n", "write bound",
                    FailoverReport.median(r.writes().stream().mapToDouble(w -> w.result().recordsPerSecond()).toArray())));
        }
        Map.Entry<String, Double> best = medians.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        b.append(String.format(Locale.ROOT, "restore >= %,.0f keys/s: best variant %s, %,.0f keys/s (median of %d round(s)): %s%n",
                TARGET_KEYS_PER_SECOND, best.getKey(), best.getValue(), o.rounds(), best.getValue() >= TARGET_KEYS_PER_SECOND ? "met" : "NOT met"));
        b.append("instance log: ").append(r.workDir().resolve("probe.log")).append('\n');
        return b.toString();
    }

    public static String json(RestoreProbe.Result r) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        RestoreProbe.Options o = r.options();
        m.put("options", Map.of("keys", o.keys(), "partitions", o.partitions(), "rounds", o.rounds(), "bounds", o.bounds(),
                "prefill_settings", o.prefillSettings(), "variants", o.variants().stream().map(RestoreVariant::toString).toList()));
        m.put("broker", r.broker());
        m.put("load_average_at_start", r.loadAverageAtStart());
        m.put("load_average_at_end", r.loadAverageAtEnd());
        m.put("prefilled_keys", r.prefilledKeys());
        m.put("prefill_seconds", r.prefillSeconds());
        m.put("changelogs", Map.of("topics", r.changelogs().topics(), "partitions", r.changelogs().partitions(), "end_offsets", r.changelogs().endOffsets(),
                "bytes_on_broker", r.changelogs().bytes()));
        List<Map<String, Object>> restores = new ArrayList<>();
        for (RestoreProbe.Restore x : r.restores()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("round", x.round());
            e.put("variant", x.variant().name());
            e.put("settings", x.variant().settings());
            e.put("records", x.records());
            e.put("partitions", x.partitions());
            e.put("seconds", x.seconds());
            e.put("keys_per_second", Math.round(x.recordsPerSecond()));
            e.put("over_fetch_bound", fetchFor(r, x.round(), x.variant()).map(f -> x.recordsPerSecond() / f.result().recordsPerSecond()).orElse(null));
            e.put("app_cpu_seconds", x.appCpuSeconds());
            e.put("app_cpu_us_per_record", x.records() > 0 ? x.appCpuSeconds() * 1e6 / x.records() : null);
            e.put("broker_cpu_seconds", x.brokerCpuSeconds());
            e.put("seconds_to_running", x.secondsToRunning());
            restores.add(e);
        }
        m.put("restores", restores);
        m.put("median_keys_per_second_by_variant", medianByVariant(r.restores()));
        List<Map<String, Object>> fetches = new ArrayList<>();
        for (RestoreProbe.FetchBound fb : r.fetches()) {
            ChangelogRead.Result f = fb.result();
            Map<String, Object> fetch = new LinkedHashMap<>();
            fetch.put("round", fb.round());
            fetch.put("consumer_settings", fb.consumerSettings());
            fetch.put("records", f.records());
            fetch.put("seconds", f.seconds());
            fetch.put("records_per_second", Math.round(f.recordsPerSecond()));
            fetch.put("fetched_bytes", f.fetchedBytes());
            fetch.put("megabytes_per_second", f.fetchedMegabytesPerSecond());
            fetch.put("key_value_bytes", f.valueAndKeyBytes());
            fetch.put("consumer_process_cpu_seconds", f.cpuSeconds());
            fetch.put("broker_cpu_seconds", f.brokerCpuSeconds());
            fetches.add(fetch);
        }
        m.put("fetch_bounds", fetches);
        List<Map<String, Object>> writes = new ArrayList<>();
        for (RestoreProbe.WriteBound wb : r.writes()) {
            RocksDbWrite.Result w = wb.result();
            Map<String, Object> write = new LinkedHashMap<>();
            write.put("round", wb.round());
            write.put("batch_records", wb.batchRecords());
            write.put("rocksdb_memory_budget_bytes", wb.memoryBudgetBytes());
            write.put("records", w.records());
            write.put("seconds", w.seconds());
            write.put("records_per_second", Math.round(w.recordsPerSecond()));
            write.put("cpu_seconds", w.cpuSeconds());
            writes.add(write);
        }
        m.put("write_bounds", writes);
        double best = medianByVariant(r.restores()).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        m.put("target_keys_per_second", TARGET_KEYS_PER_SECOND);
        m.put("target_met", best >= TARGET_KEYS_PER_SECOND);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }
}
