package io.eventdedup.topology;

import io.eventdedup.registry.MockSchemaRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;

import static io.eventdedup.topology.DedupHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The suites' harness extension: one default harness per test wherever it is asked for, and nothing left open or on disk. */
@ExtendWith(DedupHarnessExtension.class)
class DedupHarnessExtensionTest {
    DedupHarness fromBeforeEach;

    @BeforeEach
    void open(DedupHarness h) {
        fromBeforeEach = h;
    }

    @Test
    void theBeforeEachMethodAndTheTestGetTheSameDefaultHarness(DedupHarness h, DedupHarnessExtension.Harnesses harnesses) {
        assertThat(h).isSameAs(fromBeforeEach).isSameAs(harnesses.standard());
        assertThat(h.source("hooks").outputTopic()).isEqualTo("hooks.out");
    }

    @Test
    void furtherHarnessesHaveStateDirectoriesOfTheirOwnAndTheirOwnSettings(DedupHarness h, DedupHarnessExtension.Harnesses harnesses) {
        DedupHarness other = harnesses.open(Instant.ofEpochMilli(T0), Map.of("source.hooks.producers-key-by-dedup-key", "true"));
        assertThat(other).isNotSameAs(h);
        assertThat(other.stateDir).isNotEqualTo(h.stateDir).isDirectory();
        assertThat(other.source("hooks").producersKeyByDedupKey()).isTrue();
        assertThat(h.source("hooks").producersKeyByDedupKey()).isFalse();
    }

    @Test
    void closingAllClosesEveryHarnessOnceAndDeletesItsStateDirectory() throws Exception {
        DedupHarnessExtension.Harnesses harnesses = new DedupHarnessExtension.Harnesses();
        DedupHarness standard = harnesses.standard();
        DedupHarness other = harnesses.open();
        other.close(); // a test may close a harness itself
        harnesses.closeAll();

        assertThat(Files.exists(standard.stateDir)).isFalse();
        assertThat(Files.exists(other.stateDir)).isFalse();
        for (DedupHarness h : new DedupHarness[]{standard, other}) {
            // Closing drops the harness's registry scope: asking for the scope again gives a new, empty registry.
            MockSchemaRegistry again = MockSchemaRegistry.forScope(h.scope);
            try {
                assertThat(again).isNotSameAs(h.registry);
            } finally {
                MockSchemaRegistry.drop(h.scope);
            }
        }
    }
}
