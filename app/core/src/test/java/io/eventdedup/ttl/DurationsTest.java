package io.eventdedup.ttl;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void parsesOperatorUnitsAndIso() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("72h")).isEqualTo(Duration.ofHours(72));
        assertThat(Durations.parse("3d")).isEqualTo(Duration.ofDays(3));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void rejectsTextThatIsNoDurationAndSaysWhatIsAllowed() {
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration: 'soon'").hasMessageContaining("72h");
    }

    @Test
    void formatsCompactlyAndExactly() {
        assertThat(Durations.format(999)).isEqualTo("999ms");
        assertThat(Durations.format(157_200)).isEqualTo("2m 37.2s");
        assertThat(Durations.format(Duration.ofHours(72).plusMinutes(2))).isEqualTo("3d 2m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    }
}
