package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.Secrets;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.ttl.CapacityEstimate;
import io.eventdedup.ttl.Durations;

import java.util.stream.Collectors;

/** The start-up log block: what this instance will do, with which guarantee, and each source's TTL derivation. No secrets. */
public final class StartupSummary {
    private StartupSummary() {}

    public static String of(AppConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("event-dedup starting\n");
        sb.append("  application.id=").append(c.applicationId()).append("  bootstrap.servers=").append(c.bootstrapServers()).append('\n');
        sb.append("  guarantee=").append(c.processingGuarantee()).append("  threads=").append(c.streamThreads())
                .append("  standby.replicas=").append(c.standbyReplicas()).append("  state.dir=").append(c.stateDir()).append('\n');
        sb.append("  rocksdb.memory.budget=").append(c.rocksDbMemoryBytes() >> 20).append(" MiB (shared by all stores)")
                .append("  http=").append(c.httpBindAddress()).append(':').append(c.httpPort()).append('\n');
        sb.append("  schema registry: ").append(c.registryUrl().startsWith("mock://")
                ? c.registryUrl() + " (in-memory, this process only)" : c.registry().withBaseUrls(io.eventdedup.registry.RegistryClientSettings.parseUrls(c.registryUrl()))).append('\n');
        sb.append("  audit topic=").append(c.auditTopic()).append("  dlq topic=").append(c.deadLetterTopic())
                .append(c.releasesEnabled() ? "  releases: on, control topic=" + c.controlTopic() : "  releases: off").append('\n');
        if (!c.kafka().isEmpty()) {
            sb.append("  kafka overrides: ").append(c.kafka().entrySet().stream().map(e -> e.getKey() + "=" + Secrets.display("kafka." + e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "))).append('\n');
        }
        for (SourceConfig s : c.sources()) {
            sb.append("  source ").append(s.name()).append(": ").append(String.join(",", s.inputTopics())).append(" -> ").append(s.outputTopic())
                    .append("  format=").append(s.format().name().toLowerCase()).append("  keys=")
                    .append(s.keyRules().stream().map(r -> r.describe()).collect(Collectors.joining(",")))
                    .append(s.producersKeyByDedupKey() ? "  (no repartition: producers key by dedup key)" : "").append('\n');
            sb.append(indent(s.ttl().derivation(s.name()).explain()));
            sb.append(indent(s.capacity().explain()));
        }
        return sb.toString();
    }

    /** The {@code ttl} command's text for one source: derivation, observation window, store retention bounds and capacity estimate. */
    public static String ttlReport(SourceConfig s) {
        CapacityEstimate cap = s.capacity();
        return s.ttl().derivation(s.name()).explain()
                + "  observation window " + Durations.format(s.observationWindow()) + " = " + trim(s.observationFactor()) + " × TTL: retries of "
                + "the same payload after the TTL and inside it are late retries (policy " + s.lateRetryPolicy().name().toLowerCase(java.util.Locale.ROOT)
                + ")\n"
                + "  store " + s.storeName() + ": keeps each key at least " + Durations.format(s.observationWindow()) + ", at most "
                + Durations.format(s.observationWindow().plus(s.segmentInterval())) + " (segments of " + Durations.format(s.segmentInterval())
                + " are dropped whole)\n"
                + cap.explain();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n", "", "\n"));
    }

}
