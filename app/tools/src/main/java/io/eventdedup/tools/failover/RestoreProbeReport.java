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

    public static String table(RestoreProbe.Result r) {
        StringBuilder b = new StringBuilder();
        RestoreProbe.Options o = r.options();
        b.append(String.format(Locale.ROOT, "Restore probe: %,d keys pre-filled (%.0f s), %d input partitions; changelogs: %d topics, %d partitions, "
                        + "%,d offsets; broker: %s; nothing else running%n%n", r.prefilledKeys(), r.prefillSeconds(), o.partitions(),
                r.changelogs().topics().size(), r.changelogs().partitions(), r.changelogs().endOffsets(), r.broker()));
        b.append(String.format(Locale.ROOT, "%-5s %-16s %11s %5s %9s %10s %10s %10s %11s  %s%n", "round", "variant", "restored", "parts",
                "seconds", "keys/s", "app cores", "broker", "RUNNING (s)", "settings"));
        for (RestoreProbe.Restore x : r.restores()) {
            b.append(String.format(Locale.ROOT, "%-5d %-16s %,11d %5d %9.2f %,10.0f %10s %10s %11.1f  %s%n", x.round(), x.variant().name(),
                    x.records(), x.partitions(), x.seconds(), x.recordsPerSecond(), cores(x.appCpuSeconds(), x.seconds()),
                    cores(x.brokerCpuSeconds(), x.seconds()), x.secondsToRunning(), x.variant().settings().isEmpty() ? "(shipped)"
                            : x.variant().toString().substring(x.variant().name().length() + 1)));
        }
        b.append('\n').append("Bounds on the same changelog, in the probe's JVM (\"cores\": CPU seconds over wall seconds):\n");
        if (r.fetch() == null) {
            b.append("  (not measured: --no-bounds)\n");
        } else {
            ChangelogRead.Result f = r.fetch();
            b.append(String.format(Locale.ROOT, "  fetch: KafkaConsumer, read_committed, %s: %,d records in %.2f s = %,.0f records/s, %.1f MB/s fetched "
                            + "(%.1f B/record; key+value %.1f B/record); consumer %s cores, broker %s cores%n",
                    r.fetchSettings(), f.records(), f.seconds(), f.recordsPerSecond(), f.fetchedMegabytesPerSecond(),
                    f.records() > 0 ? f.fetchedBytes() / f.records() : 0, f.records() > 0 ? (double) f.valueAndKeyBytes() / f.records() : 0,
                    cores(f.cpuSeconds(), f.seconds()), cores(f.brokerCpuSeconds(), f.seconds())));
            RocksDbWrite.Result w = r.write();
            b.append(String.format(Locale.ROOT, "  write: RocksDB WriteBatch of %,d records, WAL off, Streams' and event-dedup's options: %,d records "
                    + "in %.2f s = %,.0f records/s; %s cores%n", r.writeBatchRecords(), w.records(), w.seconds(), w.recordsPerSecond(), cores(w.cpuSeconds(), w.seconds())));
        }
        Map<String, Double> medians = medianByVariant(r.restores());
        Map.Entry<String, Double> best = medians.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        b.append('\n').append(String.format(Locale.ROOT, "restore >= %,.0f keys/s: best variant %s, %,.0f keys/s (median of %d round(s)): %s%n",
                TARGET_KEYS_PER_SECOND, best.getKey(), best.getValue(), o.rounds(), best.getValue() >= TARGET_KEYS_PER_SECOND ? "met" : "NOT met"));
        if (r.fetch() != null) {
            b.append(String.format(Locale.ROOT, "restore of the first variant over the fetch bound: %.2f; over the write bound: %.2f%n",
                    medians.values().iterator().next() / r.fetch().recordsPerSecond(), medians.values().iterator().next() / r.write().recordsPerSecond()));
        }
        b.append("instance log: ").append(r.workDir().resolve("probe.log")).append('\n');
        return b.toString();
    }

    public static String json(RestoreProbe.Result r) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        RestoreProbe.Options o = r.options();
        m.put("options", Map.of("keys", o.keys(), "partitions", o.partitions(), "rounds", o.rounds(), "bounds", o.bounds(),
                "prefill_settings", o.prefillSettings(), "variants", o.variants().stream().map(RestoreVariant::toString).toList()));
        m.put("broker", r.broker());
        m.put("prefilled_keys", r.prefilledKeys());
        m.put("prefill_seconds", r.prefillSeconds());
        m.put("changelogs", Map.of("topics", r.changelogs().topics(), "partitions", r.changelogs().partitions(), "end_offsets", r.changelogs().endOffsets()));
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
            e.put("app_cpu_seconds", x.appCpuSeconds());
            e.put("broker_cpu_seconds", x.brokerCpuSeconds());
            e.put("seconds_to_running", x.secondsToRunning());
            restores.add(e);
        }
        m.put("restores", restores);
        m.put("median_keys_per_second_by_variant", medianByVariant(r.restores()));
        if (r.fetch() != null) {
            ChangelogRead.Result f = r.fetch();
            Map<String, Object> fetch = new LinkedHashMap<>();
            fetch.put("consumer_settings", r.fetchSettings());
            fetch.put("records", f.records());
            fetch.put("seconds", f.seconds());
            fetch.put("records_per_second", Math.round(f.recordsPerSecond()));
            fetch.put("fetched_bytes", f.fetchedBytes());
            fetch.put("megabytes_per_second", f.fetchedMegabytesPerSecond());
            fetch.put("key_value_bytes", f.valueAndKeyBytes());
            fetch.put("consumer_process_cpu_seconds", f.cpuSeconds());
            fetch.put("broker_cpu_seconds", f.brokerCpuSeconds());
            m.put("fetch_bound", fetch);
            RocksDbWrite.Result w = r.write();
            Map<String, Object> write = new LinkedHashMap<>();
            write.put("batch_records", r.writeBatchRecords());
            write.put("records", w.records());
            write.put("seconds", w.seconds());
            write.put("records_per_second", Math.round(w.recordsPerSecond()));
            write.put("cpu_seconds", w.cpuSeconds());
            m.put("write_bound", write);
        }
        double best = medianByVariant(r.restores()).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        m.put("target_keys_per_second", TARGET_KEYS_PER_SECOND);
        m.put("target_met", best >= TARGET_KEYS_PER_SECOND);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }
}
