package io.eventdedup.tools.failover;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreVariantTest {
    @Test
    void aBareNameRestoresWithTheShippedSettings() {
        assertThat(RestoreVariant.parse("shipped")).isEqualTo(new RestoreVariant("shipped", Map.of()));
    }

    @Test
    void settingsAfterTheColonAreAddedToTheInstance() {
        RestoreVariant v = RestoreVariant.parse("big:kafka.restore.consumer.max.poll.records=50000, num.stream.threads=2");
        assertThat(v.name()).isEqualTo("big");
        assertThat(v.settings()).containsExactlyInAnyOrderEntriesOf(Map.of("kafka.restore.consumer.max.poll.records", "50000", "num.stream.threads", "2"));
        assertThat(v.toString()).isEqualTo("big:kafka.restore.consumer.max.poll.records=50000,num.stream.threads=2");
    }

    @Test
    void refusesANameThatIsNotAWord() {
        assertThatThrownBy(() -> RestoreVariant.parse(":num.stream.threads=2")).hasMessageContaining("the name");
        assertThatThrownBy(() -> RestoreVariant.parse("a b")).hasMessageContaining("the name");
    }

    @Test
    void refusesASettingWithoutKeyOrEquals() {
        assertThatThrownBy(() -> RestoreVariant.parse("x:num.stream.threads")).hasMessageContaining("is not KEY=VALUE");
        assertThatThrownBy(() -> RestoreVariant.parse("x:=2")).hasMessageContaining("is not KEY=VALUE");
    }

    @Test
    void refusesTheSettingsTheProbeOwns() {
        assertThatThrownBy(() -> RestoreVariant.parse("x:state.dir=/tmp/s")).hasMessageContaining("state.dir is set by the probe");
        assertThatThrownBy(() -> RestoreVariant.parse("x:source.telemetry.input.topics=t")).hasMessageContaining("set by the probe");
    }

    @Test
    void refusesAKeySetTwice() {
        assertThatThrownBy(() -> RestoreVariant.parse("x:num.stream.threads=2,num.stream.threads=3")).hasMessageContaining("twice");
    }

    @Test
    void refusesTwoVariantsOfOneName() {
        assertThatThrownBy(() -> RestoreVariant.requireDistinctNames(List.of(RestoreVariant.parse("a"), RestoreVariant.parse("a:num.stream.threads=2"))))
                .hasMessageContaining("two variants are named a");
    }
}
