package io.eventdedup.ops;

import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One JSON source "hooks" (in → out, key field id, tenant field tenant, R = 1 h), through the real config parser. */
final class HooksConfig {
    private HooksConfig() {}

    static DedupConfig create(SchemaRegistry schemas) {
        int auditSchemaId = schemas.register(SchemaRegistry.valueSubject("dedup.audit"), DuplicateDetected.getClassSchema());
        int releaseSchemaId = schemas.register(SchemaRegistry.recordSubject("dedup.audit", KeyReleased.getClassSchema()), KeyReleased.getClassSchema());
        List<ConfigProblem> problems = new ArrayList<>();
        List<SourceConfig> sources = new SourcesParser(Map.of(
                "sources", "hooks",
                "source.hooks.input.topics", "in",
                "source.hooks.output.topic", "out",
                "source.hooks.format", "json",
                "source.hooks.key.rules", "field:id",
                "source.hooks.tenant.rules", "field:tenant",
                "source.hooks.retry.horizon", "1h"), problems).parse();
        if (!problems.isEmpty()) throw new IllegalStateException("test config has problems: " + problems);
        return new DedupConfig(sources, "dedup.audit", "dedup.dlq", auditSchemaId, java.util.Optional.of("dedup.control"), releaseSchemaId);
    }
}
