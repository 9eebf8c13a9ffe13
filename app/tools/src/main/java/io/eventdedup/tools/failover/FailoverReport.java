package io.eventdedup.tools.failover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The failover figures as a table (with the targets of issue 11) and as JSON. */
public final class FailoverReport {
    private FailoverReport() {}

    static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] of(List<FailoverRun.Fault> faults, String kind, java.util.function.ToDoubleFunction<FailoverRun.Fault> f) {
        return faults.stream().filter(x -> kind == null || x.kind().equals(kind)).mapToDouble(f).toArray();
    }

    public static String table(FailoverRun.Result r) {
        StringBuilder b = new StringBuilder();
        FailoverRun.Options o = r.options();
        b.append(String.format(Locale.ROOT, "Failover: 3 instances, %d partitions, %s membership, standby.replicas=%d, %,d keys pre-filled "
                        + "(%.0f s), %,.0f records/s steady, a fault every %d s%n%n", o.partitions(), o.staticMembership() ? "static" : "dynamic",
                o.standbys(), r.prefilledKeys(), r.prefillSeconds(), o.rate(), o.interval().toSeconds()));
        b.append(String.format(Locale.ROOT, "%-5s %-8s %-4s %10s %11s %13s %-28s %8s %13s %12s%n", "fault", "signal", "inst", "exit (s)",
                "RUNNING (s)", "max pause (s)", "partition", ">15 s", "restored", "keys/s"));
        for (FailoverRun.Fault f : r.faults()) {
            b.append(String.format(Locale.ROOT, "%-5d %-8s %-4s %10s %11.1f %13.1f %-28s %8d %,13d %,12.0f%n", f.number(), f.kind(), f.instance(),
                    f.kind().equals("SIGTERM") ? String.format(Locale.ROOT, "%.1f", f.shutdownSeconds()) : "-", f.runningSeconds(),
                    f.longestGapSeconds(), f.longestGapPartition(), f.partitionsOver15s(), f.restoredRecords(), f.restoredPerSecond()));
        }
        double medianPause = median(of(r.faults(), "SIGKILL", FailoverRun.Fault::longestGapSeconds));
        double[] rates = r.faults().stream().filter(f -> f.restoredRecords() > 0 && f.restoreSeconds() > 0).mapToDouble(FailoverRun.Fault::restoredPerSecond).toArray();
        double maxExit = Arrays.stream(of(r.faults(), "SIGTERM", FailoverRun.Fault::shutdownSeconds)).max().orElse(0);
        b.append('\n');
        b.append(String.format(Locale.ROOT, "%-52s %12s %s%n", "target", "measured", ""));
        b.append(String.format(Locale.ROOT, "%-52s %12.1f %s%n", "max pause after SIGKILL, median of faults  <= 15 s", medianPause, medianPause <= 15 ? "met" : "NOT met"));
        b.append(String.format(Locale.ROOT, "%-52s %,12.0f %s%n", "restore keys/s, median of restores  >= 200,000", median(rates),
                rates.length == 0 ? "(no restore seen)" : median(rates) >= 200_000 ? "met" : "NOT met"));
        b.append(String.format(Locale.ROOT, "%-52s %12.1f %s%n", "SIGTERM exit, longest  <= 10 s", maxExit,
                of(r.faults(), "SIGTERM", FailoverRun.Fault::shutdownSeconds).length == 0 ? "(no SIGTERM)" : maxExit <= 10 && maxExit >= 0 ? "met" : "NOT met"));
        b.append(String.format(Locale.ROOT, "%-52s %12s %s%n", "exactly-once ledger after all faults", r.reconciliation().ok() ? "exact" : "FAILED",
                r.reconciliation().ok() ? "met" : "NOT met"));
        b.append('\n').append(r.reconciliation().render()).append('\n');
        b.append("instance logs: ").append(r.workDir()).append('\n');
        return b.toString();
    }

    public static String json(FailoverRun.Result r) throws com.fasterxml.jackson.core.JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("options", r.options().toString());
        m.put("prefilled_keys", r.prefilledKeys());
        m.put("prefill_seconds", r.prefillSeconds());
        List<Map<String, Object>> faults = new ArrayList<>();
        for (FailoverRun.Fault f : r.faults()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("fault", f.number());
            x.put("signal", f.kind());
            x.put("instance", f.instance());
            x.put("exit_seconds", f.shutdownSeconds());
            x.put("running_seconds", f.runningSeconds());
            x.put("longest_pause_seconds", f.longestGapSeconds());
            x.put("longest_pause_partition", f.longestGapPartition());
            x.put("partitions_paused_over_15s", f.partitionsOver15s());
            x.put("restored_records", f.restoredRecords());
            x.put("restored_partitions", f.restoredPartitions());
            x.put("restore_seconds", f.restoreSeconds());
            x.put("restored_per_second", Math.round(f.restoredPerSecond()));
            faults.add(x);
        }
        m.put("faults", faults);
        m.put("median_pause_after_sigkill_seconds", median(of(r.faults(), "SIGKILL", FailoverRun.Fault::longestGapSeconds)));
        m.put("ledger_exact", r.reconciliation().ok());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }
}
