package io.eventdedup.tools.cli;

import io.eventdedup.tools.failover.RestoreProbe;
import io.eventdedup.tools.failover.RestoreVariant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreProbeCommandTest {
    private static RestoreProbe.Options parse(String... args) {
        RestoreProbeCommand c = new RestoreProbeCommand();
        new CommandLine(c).parseArgs(args);
        return c.options();
    }

    @Test
    void byDefaultRestoresAMillionKeysOnceWithTheShippedSettingsAndMeasuresTheBounds() {
        RestoreProbe.Options o = parse();
        assertThat(o.keys()).isEqualTo(1_000_000);
        assertThat(o.variants()).containsExactly(RestoreVariant.SHIPPED);
        assertThat(o.rounds()).isEqualTo(1);
        assertThat(o.bounds()).isTrue();
        assertThat(o.bootstrap()).as("a broker in its own JVM").isNull();
    }

    @Test
    void variantsRoundsAndPrefillSettingsComeFromTheCommandLine() {
        RestoreProbe.Options o = parse("--variant", "shipped", "--variant", "p50k:kafka.restore.consumer.max.poll.records=50000", "--rounds", "2",
                "--prefill-setting", "kafka.producer.compression.type=lz4", "--no-bounds", "--keys", "5000");
        assertThat(o.variants()).extracting(RestoreVariant::name).containsExactly("shipped", "p50k");
        assertThat(o.prefillSettings()).isEqualTo(Map.of("kafka.producer.compression.type", "lz4"));
        assertThat(o.bounds()).isFalse();
        assertThat(List.of(o.rounds(), o.keys())).containsExactly(2, 5000L);
    }

    @Test
    void refusesAPrefillSettingTheProbeOwns() {
        assertThatThrownBy(() -> parse("--prefill-setting", "application.id=x")).hasMessageContaining("set by the probe");
    }

    @Test
    void badArgumentsExitWithStatus2BeforeAnythingStarts() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(EventDedupTools.commandLine().execute("restore-probe", "--keys", "0")).isEqualTo(2);
            assertThat(EventDedupTools.commandLine().execute("restore-probe", "--variant", "a", "--variant", "a")).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("--keys must be at least 1").contains("two variants are named a");
    }
}
