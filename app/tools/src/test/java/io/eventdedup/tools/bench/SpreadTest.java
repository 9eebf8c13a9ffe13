package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpreadTest {
    @Test
    void meanMinAndMaxOfTheRounds() {
        Spread s = Spread.of(List.of(3.0, 1.0, 2.0));
        assertThat(s.mean()).isEqualTo(2.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(3.0);
        assertThat(s.values()).containsExactly(3.0, 1.0, 2.0);
    }

    @Test
    void ratiosAreTakenRoundByRoundNotAsARatioOfMeans() {
        // Round 1: 120 / 100 = 1.2; round 2: 100 / 50 = 2.0. The ratio of the means would be 110 / 75 = 1.467.
        Spread r = Spread.ratios(List.of(120.0, 100.0), List.of(100.0, 50.0));
        assertThat(r.values()).containsExactly(1.2, 2.0);
        assertThat(r.mean()).isCloseTo(1.6, within(1e-9));
        assertThat(r.min()).isEqualTo(1.2);
        assertThat(r.max()).isEqualTo(2.0);
    }

    @Test
    void aRoundWhereTheDenominatorDidNothingIsUnknownNotInfinite() {
        Spread r = Spread.ratios(List.of(10.0), List.of(0.0));
        assertThat(r.values()).containsExactly(Double.NaN);
        assertThat(r.mean()).isNaN();
    }

    @Test
    void onlyRoundsBothSidesHaveCount() {
        assertThat(Spread.ratios(List.of(1.0, 2.0, 3.0), List.of(1.0, 1.0)).values()).containsExactly(1.0, 2.0);
    }

    @Test
    void noRoundsGiveNaN() {
        Spread s = Spread.of(List.of());
        assertThat(s.mean()).isNaN();
        assertThat(s.min()).isNaN();
        assertThat(s.max()).isNaN();
    }
}
