package io.eventdedup.tools.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's code path end to end on a few thousand keys (the probe itself is a command, not a test): the broker in a JVM of
 * its own, one instance pre-filling and restoring with a variant's settings, both bounds, table and JSON.
 */
class RestoreProbeSmokeTest {
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void restoresEveryPrefilledKeyOnceForEachVariantAndReadsAndWritesTheSameChangelogForTheBounds() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        RestoreProbe.Result r = new RestoreProbe(new RestoreProbe.Options(null, 2_000, 2,
                List.of(RestoreVariant.parse("p50k:kafka.restore.consumer.max.poll.records=50000")), 1, Map.of(), true),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        assertThat(r.prefilledKeys()).isEqualTo(2_000);
        assertThat(r.changelogs().partitions()).as("one changelog partition per input partition and source").isEqualTo(4);
        assertThat(r.changelogs().bytes()).as("the changelogs hold every key and value").isGreaterThan(2_000L * 28);
        assertThat(r.restores()).extracting(RestoreProbe.Restore::records).containsExactly(2_000L);
        assertThat(r.restores()).allSatisfy(x -> {
            assertThat(x.seconds()).isPositive();
            assertThat(x.appCpuSeconds()).isPositive();
            assertThat(x.brokerCpuSeconds()).isGreaterThanOrEqualTo(0);
        });
        assertThat(r.fetches()).as("the fetch bound reads with the variant's restore-consumer settings").singleElement().satisfies(f -> {
            assertThat(f.consumerSettings()).containsEntry("max.poll.records", "50000");
            assertThat(f.result().records()).isEqualTo(2_000);
            assertThat(f.result().fetchedBytes()).isGreaterThan(f.result().valueAndKeyBytes());
        });
        assertThat(r.writes()).singleElement().satisfies(w -> assertThat(w.result().records()).isEqualTo(2_000));

        assertThat(RestoreProbeReport.table(r)).contains("p50k", "fetch: KafkaConsumer", "write: RocksDB WriteBatch", "NOT met");
        JsonNode json = new ObjectMapper().readTree(RestoreProbeReport.json(r));
        for (String field : List.of("/restores/0/keys_per_second", "/restores/0/app_cpu_seconds", "/restores/0/over_fetch_bound",
                "/fetch_bounds/0/records_per_second", "/fetch_bounds/0/megabytes_per_second", "/write_bounds/0/records_per_second", "/median_keys_per_second_by_variant/p50k", "/target_met")) {
            assertThat(json.at(field).isMissingNode()).as(field).isFalse();
        }
    }
}
