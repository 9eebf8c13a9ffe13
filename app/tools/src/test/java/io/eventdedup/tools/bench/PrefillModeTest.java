package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --prefill-mode}'s values, as typed and as reported; the changelog fill is the default. */
class PrefillModeTest {
    @Test
    void parsesBothModesInAnyCaseAndRejectsOthers() {
        assertThat(PrefillMode.parse("changelog")).isEqualTo(PrefillMode.CHANGELOG);
        assertThat(PrefillMode.parse(" APP ")).isEqualTo(PrefillMode.APP);
        assertThat(PrefillMode.APP.label()).isEqualTo("app");
        assertThatThrownBy(() -> PrefillMode.parse("restore")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("app or changelog");
        assertThat(BenchOptions.defaults().prefillMode()).isEqualTo(PrefillMode.CHANGELOG);
        assertThat(BenchOptions.defaults().withPrefillMode(PrefillMode.APP).prefillMode()).isEqualTo(PrefillMode.APP);
    }
}
