package io.eventdedup.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the topology needs to decide, and nothing it would need I/O for.
 *
 * @param sources          the sources, each with its own store
 * @param auditTopic       where DUPLICATE outcomes and release decisions are recorded
 * @param deadLetterTopic  where PAYLOAD_MISMATCH and INVALID records go, with their original bytes (and rejected commands)
 * @param auditSchemaId    registry id of the DuplicateDetected schema, written in the audit records' wire format
 * @param controlTopic     where release commands are read; empty when releases are off ({@code releases.enabled=false}): the
 *                         topology then has no control source and no release repartitions
 * @param releaseSchemaId  registry id of the KeyReleased schema, written in the release audit records' wire format
 */
public record DedupConfig(List<SourceConfig> sources, String auditTopic, String deadLetterTopic, int auditSchemaId,
                          Optional<String> controlTopic, int releaseSchemaId) {
    public DedupConfig {
        sources = List.copyOf(sources);
        Objects.requireNonNull(auditTopic);
        Objects.requireNonNull(deadLetterTopic);
        Objects.requireNonNull(controlTopic);
    }

    /** The source of that name, or null: names in control commands are untrusted. */
    public SourceConfig source(String name) {
        for (SourceConfig s : sources) if (s.name().equals(name)) return s;
        return null;
    }
}
