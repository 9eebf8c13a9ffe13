package io.eventdedup.config;

import java.util.List;
import java.util.Objects;

/**
 * Everything the topology needs to decide, and nothing it would need I/O for.
 *
 * @param sources          the sources, each with its own store
 * @param auditTopic       where DUPLICATE outcomes are recorded
 * @param deadLetterTopic  where PAYLOAD_MISMATCH and INVALID records go, with their original bytes
 * @param auditSchemaId    registry id of the DuplicateDetected schema, written in the audit records' wire format
 */
public record DedupConfig(List<SourceConfig> sources, String auditTopic, String deadLetterTopic, int auditSchemaId) {
    public DedupConfig {
        sources = List.copyOf(sources);
        Objects.requireNonNull(auditTopic);
        Objects.requireNonNull(deadLetterTopic);
    }
}
