package io.eventdedup.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A PROCESSING_ERROR dead letter names the source of the processor that failed, whatever dashes the names hold. */
class ProcessorSourceNameTest {
    @Test
    void theSourceIsTheProcessorNameWithoutItsStep() {
        assertThat(DedupProcessingExceptionHandler.sourceOf("hooks-dedup")).isEqualTo("hooks");
        assertThat(DedupProcessingExceptionHandler.sourceOf("web-hooks-keying")).isEqualTo("web-hooks");
        assertThat(DedupProcessingExceptionHandler.sourceOf("web-hooks-stale-check")).isEqualTo("web-hooks");
        assertThat(DedupProcessingExceptionHandler.sourceOf("hooks-by-entity-key")).isEqualTo("hooks");
        assertThat(DedupProcessingExceptionHandler.sourceOf("hooks-invalid-to-dlq")).isEqualTo("hooks");
        assertThat(DedupProcessingExceptionHandler.sourceOf("-stale-check")).isNull();
        assertThat(DedupProcessingExceptionHandler.sourceOf(null)).isNull();
    }
}
