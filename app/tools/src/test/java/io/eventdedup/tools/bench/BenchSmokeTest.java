package io.eventdedup.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's code path end to end on a few thousand events (the bench itself is a command, not a test): the broker in a JVM of
 * its own, pre-load, two rounds of ceiling, plumbing, textbook and event-dedup (with its releases-off and lookup-on variants),
 * store footprint, the observation-factor phase, reconciliation (stale updates, a schema upgrade and the late tails of both
 * reconciled runs included, see {@link LateTail}), latency phases, a pre-filled store, table and JSON.
 */
class BenchSmokeTest {
    /** Every figure the JSON promises. */
    static final List<String> FIELDS = List.of(
            "/machine/processors", "/machine/cpu_model", "/machine/mem_total_bytes", "/machine/java_version", "/machine/load_average_at_start",
            "/machine/load_average_at_end", "/machine/broker",
            "/workload/logical_events", "/workload/input_records", "/workload/expected_unique", "/workload/expected_duplicates",
            "/workload/duplicate_share_of_records", "/workload/avg_record_bytes", "/workload/partitions", "/workload/tenants",
            "/workload/mismatch_share", "/workload/malformed_share",
            "/throughput/ceiling/events_per_s", "/throughput/ceiling/seconds", "/throughput/ceiling/records",
            "/throughput/event_dedup/events_per_s", "/throughput/event_dedup/seconds", "/throughput/event_dedup/records",
            "/throughput/plumbing/events_per_s", "/throughput/plumbing/records", "/throughput/plumbing_ratio",
            "/throughput/event_dedup_over_plumbing", "/throughput/event_dedup_prekeyed/events_per_s", "/throughput/prekeyed_ratio",
            "/latency_prekeyed_at_half_its_throughput/ran", "/latency_prekeyed_at_half_its_throughput/p99_ms",
            "/throughput/textbook/events_per_s", "/throughput/textbook/per_round", "/throughput/event_dedup/per_round",
            "/throughput/event_dedup/broker_cpu_us_per_record", "/throughput/textbook/broker_cpu_us_per_record",
            "/throughput/event_dedup/writes_per_input_record/repartition", "/throughput/event_dedup/writes_per_input_record/changelog",
            "/throughput/event_dedup/writes_per_input_record/output", "/throughput/event_dedup/writes_per_input_record/audit",
            "/throughput/event_dedup/writes_per_input_record/dlq", "/throughput/event_dedup/seconds_to_first_output_empty_store",
            "/ratios/event_dedup_over_textbook", "/ratios/event_dedup_over_textbook_spread/min", "/ratios/event_dedup_over_textbook_spread/max",
            "/ratios/event_dedup_over_plumbing", "/ratios/event_dedup_over_plumbing_spread/per_round",
            "/prefill/0/prefilled_keys", "/prefill/0/throughput/events_per_s", "/prefill/0/bytes_per_key", "/prefill/0/rocksdb_peak_bytes",
            "/throughput/ratio", "/throughput/event_dedup_outcomes/unique", "/throughput/event_dedup_outcomes/duplicate",
            "/latency/ran", "/latency/offered_rate_per_s", "/latency/achieved_rate_per_s", "/latency/commit_interval_ms",
            "/latency/records_measured", "/latency/p50_ms", "/latency/p99_ms", "/latency/p999_ms", "/latency/max_ms",
            "/latency_at_half_event_dedup_throughput/ran", "/latency_at_half_event_dedup_throughput/p99_ms",
            "/latency_plumbing_at_half_event_dedup_throughput/ran", "/latency_plumbing_at_half_event_dedup_throughput/p99_ms",
            "/store/bytes_on_disk", "/store/stored_keys", "/store/bytes_per_key",
            "/memory/peak_heap_used_bytes", "/memory/peak_heap_live_after_gc_bytes", "/memory/heap_max_bytes",
            "/memory/rocksdb_peak_bytes", "/memory/rocksdb_budget_bytes", "/memory/rocksdb_within_budget",
            "/reconciliation/ran", "/reconciliation/ok",
            "/targets/event_dedup_over_textbook/met", "/targets/event_dedup_over_plumbing/met", "/targets/broker_cpu_us_per_record/met",
            "/targets/seconds_to_first_output/met", "/targets/prefill_throughput_ratio/met", "/targets/p99_latency_ms/met", "/targets/bytes_per_key/met", "/targets/rocksdb_memory_bytes/met",
            "/throughput/event_dedup_releases_off/ran", "/throughput/event_dedup_releases_off/events_per_s",
            "/throughput/event_dedup_releases_off/app_threads_cpu_us_per_record", "/throughput/event_dedup_lookup_on/ran",
            "/throughput/event_dedup_lookup_on/events_per_s", "/throughput/event_dedup_lookup_on/app_threads_cpu_us_per_record",
            "/ratios/releases_idle_cost", "/ratios/releases_idle_cost_spread/per_round", "/ratios/lookup_idle_cost",
            "/ratios/lookup_idle_cost_spread/per_round");

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void runsEveryPhaseAndReportsEveryFigure(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        BenchOptions options = BenchOptions.defaults()
                .withEvents(2_000)
                .withPartitions(2)
                .withTenants(100)
                .withRateDuration(Duration.ofSeconds(2))
                .withWarmup(Duration.ofSeconds(1))
                .withRocksDbBudget("64MiB") // the budget is process-wide: the same as the other in-process app tests
                .withWarmupEvents(0)
                .withReconcile(true)
                .withRounds(2)
                .withPrefillKeys(List.of(1_000L))
                .withJfr(dir.resolve("dedup.jfr"))
                .withCommitIntervalsMs(List.of(50L))
                .withIdleFeatures(true)
                .withObservationFactors(List.of(1.0, 2.0))
                .withStateDir(dir.resolve("state"))
                .withOut(out);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchReport report = new Bench(options, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        report.writeJson(out);

        JsonNode json = new ObjectMapper().readTree(out.toFile());
        for (String field : FIELDS) assertThat(json.at(field).isMissingNode()).as(field).isFalse();
        assertThat(json.at("/reconciliation/ok").asBoolean()).as(log.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(json.at("/throughput/ceiling/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/throughput/event_dedup/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/throughput/plumbing/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/throughput/textbook/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/throughput/event_dedup/per_round").size()).isEqualTo(2);
        assertThat(json.at("/ratios/event_dedup_over_textbook_spread/per_round").size()).isEqualTo(2);
        // --idle-features: both variants ran in both rounds on the whole input, so both idle costs have a ratio per round.
        assertThat(json.at("/throughput/event_dedup_releases_off/per_round").size()).isEqualTo(2);
        // Round 1's own run sent the main input's late tail: every later run reads it too.
        assertThat(json.at("/throughput/event_dedup_lookup_on/records").asLong())
                .isEqualTo(json.at("/workload/input_records").asLong() + json.at("/workload/expected_late_retries").asLong());
        assertThat(json.at("/ratios/releases_idle_cost").asDouble()).isPositive();
        assertThat(json.at("/ratios/lookup_idle_cost_spread/per_round").size()).isEqualTo(2);
        // The broker has a process of its own: its CPU is measured apart.
        assertThat(json.at("/machine/broker").asText()).startsWith("own process");
        assertThat(json.at("/throughput/event_dedup/broker_cpu_us_per_record").asDouble()).isPositive();
        // The repartition topic carries every input record but the malformed ones (1%, sent to the DLQ before it), plus markers.
        assertThat(json.at("/throughput/event_dedup/writes_per_input_record/repartition/records").asDouble()).isGreaterThan(0.95);
        assertThat(json.at("/throughput/event_dedup/writes_per_input_record/dlq/records").asDouble()).isPositive();
        assertThat(json.at("/throughput/event_dedup/writes_per_input_record/output/bytes").asDouble()).isPositive();
        assertThat(json.at("/throughput/event_dedup/seconds_to_first_output_empty_store").asDouble()).isPositive();
        // The pre-filled store holds the fill's keys and the main input's: one per logical event and per stale update (another key).
        long keys = json.at("/workload/logical_events").asLong() + json.at("/workload/expected_stale").asLong();
        assertThat(json.at("/prefill/0/stored_keys_after").asLong()).isEqualTo(1_000L + keys);
        assertThat(json.at("/throughput/event_dedup_prekeyed/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/latency_prekeyed_at_half_its_throughput/records_measured").asLong()).isPositive();
        assertThat(json.at("/latency_plumbing_at_half_event_dedup_throughput/records_measured").asLong()).isPositive();
        assertThat(json.at("/latency_plumbing_at_half_event_dedup_throughput/offered_rate_per_s").asDouble())
                .isEqualTo(json.at("/latency_at_half_event_dedup_throughput/offered_rate_per_s").asDouble());
        // The mean of two rounds: round 1 read the pre-loaded input, round 2 that and the late tail round 1 sent.
        assertThat(json.at("/throughput/event_dedup/records").asLong()).isEqualTo(Math.round(json.at("/workload/input_records").asLong()
                + json.at("/workload/expected_late_retries").asLong() / 2.0));
        // One stored key per logical event and stale update (the run is far shorter than a segment).
        assertThat(json.at("/store/stored_keys").asLong()).isEqualTo(keys);
        // The workload's hazards: stale updates held back and retries across the schema upgrade, both reconciled above.
        assertThat(json.at("/workload/expected_stale").asLong()).isPositive();
        assertThat(json.at("/workload/retries_across_schema_upgrade").asLong()).isPositive();
        assertThat(json.at("/workload/late_tail/ttl_s").asDouble()).isEqualTo(10.0);
        assertThat(json.at("/workload/late_tail/observation_window_s").asDouble()).isEqualTo(600.0);
        // The late tails: a few late retries in each reconciled run, every one forwarded again and marked.
        assertThat(json.at("/workload/expected_late_retries").asLong()).isPositive();
        assertThat(json.at("/reconciliation/late_retries_sent").asLong()).isGreaterThan(json.at("/workload/expected_late_retries").asLong());
        assertThat(json.at("/reconciliation/late_retries_forwarded_marked").asLong()).isEqualTo(json.at("/reconciliation/late_retries_sent").asLong());
        // The observation-factor phase: both factors in both rounds, each with its stores measured.
        assertThat(json.at("/observation_window/ran").asBoolean()).isTrue();
        assertThat(json.at("/observation_window/factors/1/factor").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/observation_window/factors/1/observation_window_s").asDouble()).isEqualTo(20.0);
        assertThat(json.at("/observation_window/factors/0/throughput/per_round").size()).isEqualTo(2);
        assertThat(json.at("/observation_window/factors/1/ratio_to_first_factor_spread/per_round").size()).isEqualTo(2);
        assertThat(json.at("/observation_window/factors/0/stored_keys").asDouble()).isEqualTo((double) keys);
        assertThat(json.at("/observation_window/factors/0/keys_in_window").asDouble()).isPositive();
        assertThat(json.at("/observation_window/factors/1/bytes_per_stored_key").asDouble()).isPositive();
        assertThat(json.at("/store/bytes_on_disk").asLong()).isPositive();
        assertThat(json.at("/latency/records_measured").asLong()).isPositive();
        assertThat(json.at("/memory/rocksdb_budget_bytes").asLong()).isEqualTo(64L << 20);
        assertThat(json.at("/commit_interval_sweep/0/commit_interval_ms").asLong()).isEqualTo(50);
        assertThat(json.at("/commit_interval_sweep/0/throughput/events_per_s").asDouble()).isPositive();
        assertThat(json.at("/commit_interval_sweep/0/latency_at_half_its_throughput/commit_interval_ms").asLong()).isEqualTo(50);
        assertThat(json.at("/commit_interval_sweep/0/latency_at_half_its_throughput/records_measured").asLong()).isPositive();
        // The profiled pass (not counted) left its recording, with CPU samples of event-dedup's threads.
        assertThat(JfrTopFrames.read(dir.resolve("dedup.jfr"), "event-dedup-jfr").topFrames().samples()).isPositive();
        assertThat(report.table()).contains("releases idle cost", "lookup idle cost", "event-dedup throughput", "plumbing throughput", "textbook dedup throughput", "event-dedup / textbook", "p99 (ms)", "bytes per stored key", "peak RocksDB memory",
                "observation factor 2 (window 20.0 s)");
    }
}
