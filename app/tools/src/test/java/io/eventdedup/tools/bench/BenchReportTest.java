package io.eventdedup.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The report's figures and JSON shape from known inputs, without a broker. */
class BenchReportTest {
    static final long RECORDS = 1_000;

    static BenchReport.Throughput run(double seconds, double brokerCpuSeconds, double firstOutput, TopicTraffic.Written... written) {
        return new BenchReport.Throughput(RECORDS, seconds, 0.5, 1.0, 2.0, 1.0, brokerCpuSeconds, firstOutput, List.of(written));
    }

    static TopicTraffic.Written w(String topic, String role, long records, long bytes) {
        return new TopicTraffic.Written(topic, role, records, bytes);
    }

    static BenchReport report(List<BenchReport.Prefill> prefills) {
        return report(prefills, Optional.empty());
    }

    static final BenchReport.Mix MIX = new BenchReport.Mix(0.05, 0.02, 0.01, true, 1, 6, 40, 30_000, 10, 600);

    static BenchReport report(List<BenchReport.Prefill> prefills, Optional<BenchReport.IdleFeatures> idle) {
        return report(prefills, idle, List.of());
    }

    static BenchReport report(List<BenchReport.Prefill> prefills, Optional<BenchReport.IdleFeatures> idle,
                              List<BenchReport.ObservationFactorPoint> factors) {
        var ceiling = new BenchReport.Phase(List.of(run(1, 0.01, Double.NaN), run(1, 0.01, Double.NaN)));
        var plumbing = new BenchReport.Phase(List.of(run(2, 0.03, Double.NaN), run(2.5, 0.03, Double.NaN)));
        // textbook 1,000 then 500 records/s; event-dedup 1,250 then 1,000: ratios 1.25 and 2.0.
        var textbook = new BenchReport.Phase(List.of(run(1, 0.02, Double.NaN), run(2, 0.02, Double.NaN)));
        var dedup = new BenchReport.Phase(List.of(
                run(0.8, 0.03, 1.5, w("r1.out.t", "output", 800, 80_000), w("r1.out.w", "output", 0, 0), w("app-repartition", "repartition", 1_000, 300_000)),
                run(1.0, 0.03, 2.5, w("r2.out.t", "output", 900, 90_000), w("app2-repartition", "repartition", 1_100, 320_000))));
        var none = new BenchReport.Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        var latency = new BenchReport.Latency(true, "half event-dedup's throughput", 500, 500, 10, 5_000, 100, 5, 1,
                new BenchReport.Percentiles(4_000, 90, 140, 160, 170, 95), none, 1.0);
        return new BenchReport(new BenchReport.Conditions(MachineInfo.current(), new double[]{1, 1, 1}, new double[]{2, 2, 2}, "own process"),
                new BenchReport.Workload(800, RECORDS, 790, 200, 5, 10, 276, 6, 100, 0.25, 0.005, 0.01, 0.02, 1.0, MIX),
                new BenchReport.Throughputs(ceiling, plumbing, textbook, dedup, run(0.7, 0.02, 1.0), new BenchReport.Outcomes(790, 200, 5, 10), idle),
                new BenchReport.Latencies(BenchReport.Latency.skipped(), latency, BenchReport.Latency.skipped(), BenchReport.Latency.skipped()),
                new StoreFootprint(50_000, 790, 1, 2), new BenchReport.Memory(1 << 30, 1 << 20, 1 << 28, 1 << 26, 100, 200, 10),
                BenchReport.Reconciliation.skipped(), prefills, List.of(), factors);
    }

    @Test
    void ratiosAreRoundByRoundWithTheirSpread() {
        JsonNode j = report(List.of()).toJson();
        assertThat(j.at("/ratios/event_dedup_over_textbook").asDouble()).isCloseTo(1.625, within(1e-9));
        assertThat(j.at("/ratios/event_dedup_over_textbook_spread/min").asDouble()).isEqualTo(1.25);
        assertThat(j.at("/ratios/event_dedup_over_textbook_spread/max").asDouble()).isEqualTo(2.0);
        assertThat(j.at("/ratios/event_dedup_over_textbook_spread/per_round").size()).isEqualTo(2);
        assertThat(j.at("/targets/event_dedup_over_textbook/met").asBoolean()).isTrue();
        // plumbing 500 and 400 records/s: 2.5 and 2.5
        assertThat(j.at("/ratios/event_dedup_over_plumbing").asDouble()).isEqualTo(2.5);
    }

    @Test
    void phaseFiguresAreRoundMeansWithEveryRoundKept() {
        JsonNode d = report(List.of()).toJson().at("/throughput/event_dedup");
        assertThat(d.at("/seconds").asDouble()).isEqualTo(0.9);
        assertThat(d.at("/events_per_s_min").asDouble()).isEqualTo(1_000.0);
        assertThat(d.at("/events_per_s_max").asDouble()).isEqualTo(1_250.0);
        assertThat(d.at("/per_round").size()).isEqualTo(2);
        assertThat(d.at("/per_round/0/topics").size()).isEqualTo(3);
        assertThat(d.at("/seconds_to_first_output_empty_store").asDouble()).isEqualTo(1.5);
        // broker CPU 0.03 s per 1,000 records = 30 us per record
        assertThat(d.at("/broker_cpu_us_per_record").asDouble()).isEqualTo(30.0);
    }

    @Test
    void writesPerInputRecordAreSummedOverTheTopicsOfARoleAndAveragedOverRounds() {
        JsonNode writes = report(List.of()).toJson().at("/throughput/event_dedup/writes_per_input_record");
        // outputs: (800 + 900) / 2 rounds / 1,000 input records; bytes (80,000 + 90,000) / 2 / 1,000
        assertThat(writes.at("/output/records").asDouble()).isEqualTo(0.85);
        assertThat(writes.at("/output/bytes").asDouble()).isEqualTo(85.0);
        assertThat(writes.at("/repartition/records").asDouble()).isEqualTo(1.05);
        assertThat(writes.at("/repartition/bytes").asDouble()).isEqualTo(310.0);
    }

    @Test
    void targetsOfTheIssueAreJudgedOnTheirOwnFigures() {
        BenchReport r = report(List.of());
        // event-dedup's broker CPU 30 us per record against the textbook's 20: not met.
        assertThat(r.brokerCpuMet()).isFalse();
        // p99 140 ms at half event-dedup's throughput.
        assertThat(r.latencyMet()).isTrue();
        // first output of round 1 (empty store): 1.5 s
        assertThat(r.firstOutputMet()).isTrue();
        // 50,000 B / 790 keys = 63.3 B per key, under 64
        assertThat(r.bytesPerKeyMet()).isTrue();
        BenchReport bigger = new BenchReport(r.conditions(), r.workload(), r.throughput(), r.latencies(), new StoreFootprint(51_000, 790, 1, 2),
                r.memory(), r.reconciliation(), r.prefills(), r.commitIntervals(), r.observationFactors());
        assertThat(bigger.bytesPerKeyMet()).isFalse();
    }

    @Test
    void prefillRatioIsTheLargestStoreOverTheSmallest() {
        var small = new BenchReport.Prefill(1_000_000, BenchReport.Fill.throughTheApp(1_000_000, 10), run(1, 0.02, Double.NaN), new StoreFootprint(60_000_000, 1_000_000, 1, 1), 100, 200);
        var large = new BenchReport.Prefill(10_000_000, BenchReport.Fill.throughTheApp(10_000_000, 100), run(1.25, 0.02, Double.NaN), new StoreFootprint(600_000_000, 10_000_000, 1, 1), 150, 200);
        BenchReport r = report(List.of(large, small));
        assertThat(r.prefillRatio()).isEqualTo(0.8);
        assertThat(r.prefillMet()).isTrue();
        JsonNode j = r.toJson();
        assertThat(j.at("/prefill").size()).isEqualTo(2);
        assertThat(j.at("/prefill/1/bytes_per_key").asDouble()).isEqualTo(60.0);
        assertThat(j.at("/targets/prefill_throughput_ratio/value").asDouble()).isEqualTo(0.8);
        assertThat(report(List.of(small)).prefillRatio()).isNaN();
    }

    /** Releases off at 1,333 then 1,000 records/s, lookup on at 1,250 then 800, beside event-dedup's 1,250 then 1,000. */
    static BenchReport.IdleFeatures idle() {
        return new BenchReport.IdleFeatures(new BenchReport.Phase(List.of(run(0.75, 0.03, 1.0), run(1.0, 0.03, 1.0))),
                new BenchReport.Phase(List.of(run(0.8, 0.04, 1.0), run(1.25, 0.04, 1.0))));
    }

    @Test
    void idleCostsAreTheShippedRunsAgainstEachVariantRoundByRoundWithTheirSpread() {
        BenchReport r = report(List.of(), Optional.of(idle()));
        // releases: shipped / off = 1,250 / 1,333.3 = 0.9375, then 1,000 / 1,000 = 1
        assertThat(r.releasesIdleCost().values()).satisfiesExactly(v -> assertThat(v).isCloseTo(0.9375, within(1e-9)),
                v -> assertThat(v).isCloseTo(1.0, within(1e-9)));
        // lookup: on / shipped = 1,250 / 1,250 = 1, then 800 / 1,000 = 0.8
        assertThat(r.lookupIdleCost().values()).satisfiesExactly(v -> assertThat(v).isCloseTo(1.0, within(1e-9)),
                v -> assertThat(v).isCloseTo(0.8, within(1e-9)));
        JsonNode j = r.toJson();
        assertThat(j.at("/ratios/releases_idle_cost").asDouble()).isCloseTo(0.96875, within(1e-4));
        assertThat(j.at("/ratios/releases_idle_cost_spread/min").asDouble()).isEqualTo(0.9375);
        assertThat(j.at("/ratios/releases_idle_cost_spread/per_round").size()).isEqualTo(2);
        assertThat(j.at("/ratios/lookup_idle_cost").asDouble()).isCloseTo(0.9, within(1e-9));
        assertThat(j.at("/ratios/lookup_idle_cost_spread/max").asDouble()).isEqualTo(1.0);
    }

    @Test
    void idleVariantsReportThroughputAndCpuPerRecordLikeTheOtherPhases() {
        JsonNode j = report(List.of(), Optional.of(idle())).toJson();
        JsonNode off = j.at("/throughput/event_dedup_releases_off");
        assertThat(off.at("/ran").asBoolean()).isTrue();
        assertThat(off.at("/per_round").size()).isEqualTo(2);
        assertThat(off.at("/events_per_s_max").asDouble()).isEqualTo(1_333.3);
        assertThat(off.at("/app_threads_cpu_us_per_record").asDouble()).isEqualTo(1_000.0);
        // broker CPU 0.04 s per 1,000 records = 40 us per record
        assertThat(j.at("/throughput/event_dedup_lookup_on/broker_cpu_us_per_record").asDouble()).isEqualTo(40.0);
        assertThat(report(List.of(), Optional.of(idle())).table())
                .contains("event-dedup, releases off (events/s)", "event-dedup, lookup on, never queried (events/s)",
                        "releases idle cost: shipped / off", "lookup idle cost: on / shipped", "0.900 (0.800-1.000)");
    }

    @Test
    void withoutIdleFeaturesTheirRatiosAreNaNAndTheirPhasesSayTheyDidNotRun() {
        BenchReport r = report(List.of());
        JsonNode j = r.toJson();
        assertThat(j.at("/throughput/event_dedup_releases_off/ran").asBoolean()).isFalse();
        assertThat(j.at("/throughput/event_dedup_lookup_on/ran").asBoolean()).isFalse();
        assertThat(j.at("/throughput/event_dedup_releases_off/events_per_s").isMissingNode()).isTrue();
        assertThat(j.at("/ratios/releases_idle_cost").asDouble()).isNaN();
        assertThat(j.at("/ratios/lookup_idle_cost_spread/per_round").size()).isZero();
        assertThat(r.table()).doesNotContain("releases off").doesNotContain("idle cost");
    }

    /**
     * Factor 1 at 1,250 then 1,000 records/s, factor 2 at 1,000 then 1,000: 0.8 then 1.0 of factor 1. Factor 2's stores hold
     * twice the keys within the window and 1.5 times the bytes.
     */
    static List<BenchReport.ObservationFactorPoint> factors() {
        var one = new BenchReport.ObservationFactorPoint(1, 4.2, 4.2, List.of(
                new BenchReport.FactorRun(run(0.8, 0.03, 1.0), new StoreFootprint(40_000, 800, 1, 2), 200, 1_000),
                new BenchReport.FactorRun(run(1.0, 0.03, 1.0), new StoreFootprint(40_000, 800, 1, 2), 200, 3_000)));
        var two = new BenchReport.ObservationFactorPoint(2, 4.2, 8.4, List.of(
                new BenchReport.FactorRun(run(1.0, 0.03, 1.0), new StoreFootprint(60_000, 800, 1, 2), 400, 2_000),
                new BenchReport.FactorRun(run(1.0, 0.03, 1.0), new StoreFootprint(60_000, 800, 1, 2), 400, 2_500)));
        return List.of(one, two);
    }

    @Test
    void eachObservationFactorReportsItsThroughputRatioKeysBytesAndRocksDbMemory() {
        BenchReport r = report(List.of(), Optional.empty(), factors());
        assertThat(r.factorRatio(r.observationFactors().get(1)).values()).containsExactly(0.8, 1.0);
        assertThat(r.factorRatio(r.observationFactors().get(0)).mean()).isEqualTo(1.0);
        JsonNode j = r.toJson().at("/observation_window");
        assertThat(j.at("/ran").asBoolean()).isTrue();
        assertThat(j.at("/factors").size()).isEqualTo(2);
        JsonNode two = j.at("/factors/1");
        assertThat(two.at("/factor").asDouble()).isEqualTo(2.0);
        assertThat(two.at("/observation_window_s").asDouble()).isEqualTo(8.4);
        assertThat(two.at("/throughput/events_per_s").asDouble()).isEqualTo(1_000.0);
        assertThat(two.at("/ratio_to_first_factor").asDouble()).isEqualTo(0.9);
        assertThat(two.at("/ratio_to_first_factor_spread/per_round").size()).isEqualTo(2);
        assertThat(two.at("/stored_keys").asDouble()).isEqualTo(800.0);
        assertThat(two.at("/keys_in_window").asDouble()).isEqualTo(400.0);
        // 60,000 B over 800 keys; over 1,000 input records
        assertThat(two.at("/bytes_per_stored_key").asDouble()).isEqualTo(75.0);
        assertThat(two.at("/store_bytes_per_input_record").asDouble()).isEqualTo(60.0);
        assertThat(two.at("/rocksdb_peak_bytes").asLong()).isEqualTo(2_500);
        assertThat(two.at("/per_round/0/keys_in_window").asLong()).isEqualTo(400);
        assertThat(j.at("/factors/0/bytes_per_stored_key").asDouble()).isEqualTo(50.0);
        assertThat(r.table()).contains("observation factor 1 (window 4.2 s): events/s", "observation factor 2 (window 8.4 s): events/s",
                "0.900 (0.800-1.000)", "800 (400)", "75.0 / 60.0");
    }

    @Test
    void withoutObservationFactorsThePhaseSaysItDidNotRun() {
        BenchReport r = report(List.of());
        assertThat(r.toJson().at("/observation_window/ran").asBoolean()).isFalse();
        assertThat(r.toJson().at("/observation_window/factors").size()).isZero();
        assertThat(r.table()).doesNotContain("observation factor");
    }

    @Test
    void theWorkloadReportsItsStaleUpdatesLateRetriesSchemaUpgradeAndLateTail() {
        BenchReport r = report(List.of());
        JsonNode w = r.toJson().at("/workload");
        assertThat(w.at("/webhook_share").asDouble()).isEqualTo(0.05);
        assertThat(w.at("/expected_stale").asLong()).isEqualTo(1);
        assertThat(w.at("/expected_late_retries").asLong()).isEqualTo(6);
        assertThat(w.at("/schema_upgrade").asBoolean()).isTrue();
        assertThat(w.at("/retries_across_schema_upgrade").asLong()).isEqualTo(40);
        assertThat(w.at("/late_tail/input_pace_records_per_s").asDouble()).isEqualTo(30_000.0);
        assertThat(w.at("/late_tail/ttl_s").asDouble()).isEqualTo(10.0);
        assertThat(w.at("/late_tail/observation_window_s").asDouble()).isEqualTo(600.0);
        assertThat(r.table()).contains("5% webhooks, 1 stale updates, 6 late retries, schema upgrade halfway (40 retries across it)",
                "TTL 10.0 s, observation window 600 s; late retries sent live as a late tail");
    }
}
