package io.eventdedup.topology;

import io.eventdedup.config.ConfigProblem;
import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.SourcesParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One JSON source "hooks" (in → out, key field id, tenant field tenant, R = 1 h, B = 60 s), through the real config parser. */
final class ProcessorTestConfig {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private ProcessorTestConfig() {}

    static DedupConfig hooks() {
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
        return new DedupConfig(sources, "dedup.audit", "dedup.dlq", 1, java.util.Optional.of("dedup.control"), 2);
    }
}
