package io.eventdedup.tools.failover;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreProbeTest {
    @Test
    void readsTheRestoreSummaryLineOfTheInstance() {
        String line = "2026-12-02T03:53:13.332Z INFO  [x-StreamThread-1] i.eventdedup.runtime.RestoreSummary - Restored 2 store(s) on 12 "
                + "partition(s) from their changelogs: 20000 records in 0.8 s (24013 records/s; {dedup-telemetry-store=10000}); reason: x";
        Matcher m = RestoreProbe.restoredLine(List.of("before", line), 0);
        assertThat(m).isNotNull();
        assertThat(List.of(m.group(1), m.group(3), m.group(4), m.group(5), m.group(6))).containsExactly("2026-12-02T03:53:13.332Z", "12", "20000", "0.8", "24013");
        assertThat(RestoreProbe.restoredLine(List.of(line, "after"), 1)).as("lines before the mark are an earlier start's").isNull();
    }

    @Test
    void theStoreOfAChangelogIsItsNameBetweenApplicationIdAndSuffix() {
        assertThat(RestoreProbe.storeOf("p.event-dedup", "p.event-dedup-dedup-telemetry-store-changelog")).isEqualTo("dedup-telemetry-store");
        assertThatThrownBy(() -> RestoreProbe.storeOf("p.event-dedup", "other-changelog")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFetchBoundReadsWithTheShippedRestoreConsumerSettingsAndTheVariantsOverrides() {
        assertThat(RestoreProbe.restoreConsumerSettings(RestoreVariant.SHIPPED)).containsEntry("max.poll.records", "10000");
        RestoreVariant v = RestoreVariant.parse("v:kafka.consumer.fetch.max.bytes=1,kafka.restore.consumer.fetch.max.bytes=2,"
                + "kafka.restore.consumer.max.poll.records=50000,kafka.main.consumer.max.poll.records=7,num.stream.threads=2");
        assertThat(RestoreProbe.restoreConsumerSettings(v)).containsExactlyInAnyOrderEntriesOf(Map.of("fetch.max.bytes", "2", "max.poll.records", "50000"));
    }

    @Test
    void cpuAtATimeIsInterpolatedBetweenTheSamplesAroundIt() {
        List<RestoreProbe.Sample> s = List.of(new RestoreProbe.Sample(1_000, 0, 10), new RestoreProbe.Sample(1_100, 1_000, 10),
                new RestoreProbe.Sample(1_200, 3_000, 20));
        assertThat(RestoreProbe.at(s, 1_150, RestoreProbe.Sample::appCpu)).isEqualTo(2_000);
        assertThat(RestoreProbe.at(s, 1_100, RestoreProbe.Sample::appCpu)).isEqualTo(1_000);
        assertThat(RestoreProbe.at(s, 900, RestoreProbe.Sample::brokerCpu)).as("before the first sample").isEqualTo(10);
        assertThat(RestoreProbe.at(s, 5_000, RestoreProbe.Sample::brokerCpu)).as("after the last sample").isEqualTo(20);
    }

    @Test
    void theWriteBoundUsesTheShippedBudgetOrTheOneThisProcessAlreadySet() {
        long inForce = io.eventdedup.runtime.BoundedRocksDbMemory.budgetBytes();
        assertThat(RestoreProbe.writeBoundBudget()).isEqualTo(inForce > 0 ? inForce : 256L << 20);
    }

    @Test
    void optionsRefuseWhatCannotBeMeasured() {
        List<RestoreVariant> one = List.of(RestoreVariant.SHIPPED);
        assertThatThrownBy(() -> new RestoreProbe.Options(null, 0, 6, one, 1, Map.of(), true)).hasMessageContaining("--keys");
        assertThatThrownBy(() -> new RestoreProbe.Options(null, 10, 0, one, 1, Map.of(), true)).hasMessageContaining("--partitions");
        assertThatThrownBy(() -> new RestoreProbe.Options(null, 10, 6, one, 0, Map.of(), true)).hasMessageContaining("--rounds");
        assertThatThrownBy(() -> new RestoreProbe.Options(null, 10, 6, List.of(), 1, Map.of(), true)).hasMessageContaining("variant");
    }
}
