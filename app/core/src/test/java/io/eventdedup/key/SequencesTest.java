package io.eventdedup.key;

import io.eventdedup.config.SequenceKind;
import io.eventdedup.config.StaleRule;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequencesTest {
    private static final StaleRule NUMBER = new StaleRule("order", "version", SequenceKind.NUMBER);
    private static final StaleRule TIMESTAMP = new StaleRule("order", "at", SequenceKind.TIMESTAMP);
    private static final Sequences.KeyHasher HASH = entity -> entity.getBytes();

    @Test
    void aNumberIsItsOwnSequenceAndTheEntityIsHashed() throws InvalidRecordException {
        EntitySequence s = Sequences.read(NUMBER, Map.of("order", "o-1", "version", "-12"), HASH);
        assertThat(s.entity()).isEqualTo("o-1");
        assertThat(s.sequence()).isEqualTo(-12L);
        assertThat(s.entityKey()).isEqualTo("o-1".getBytes());
    }

    @Test
    void aTimestampIsEpochNanosecondsWhateverItsOffset() throws InvalidRecordException {
        long utc = Sequences.read(TIMESTAMP, Map.of("order", "o", "at", "2026-01-01T00:00:00.000000005Z"), HASH).sequence();
        long plusOne = Sequences.read(TIMESTAMP, Map.of("order", "o", "at", "2026-01-01T01:00:00.000000005+01:00"), HASH).sequence();
        assertThat(utc).isEqualTo(plusOne).isEqualTo(1_767_225_600_000_000_005L);
    }

    @Test
    void aMissingEntityOrSequenceIsNoSequenceNamingTheField() {
        assertThatThrownBy(() -> Sequences.read(NUMBER, Map.of("version", "1"), HASH))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(InvalidReason.NO_SEQUENCE))
                .hasMessageContaining("entity field order");
        assertThatThrownBy(() -> Sequences.read(NUMBER, Map.of("order", "o", "version", ""), HASH))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(InvalidReason.NO_SEQUENCE))
                .hasMessageContaining("sequence field version");
    }

    @Test
    void aSequenceOfTheOtherKindOrOutOfRangeIsBadSequence() {
        for (String bad : new String[] {"1.0", "12abc", "9223372036854775808", "2026-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> Sequences.read(NUMBER, Map.of("order", "o", "version", bad), HASH)).as(bad)
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(InvalidReason.BAD_SEQUENCE));
        }
        for (String bad : new String[] {"17", "2026-01-01T00:00:00", "2263-01-01T00:00:00Z", "yesterday"}) {
            assertThatThrownBy(() -> Sequences.read(TIMESTAMP, Map.of("order", "o", "at", bad), HASH)).as(bad)
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(InvalidReason.BAD_SEQUENCE))
                    .hasMessageContaining("sequence field at");
        }
    }
}
