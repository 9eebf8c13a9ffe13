package io.eventdedup.cli;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.runtime.StartupSummary;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.ttl.AuditDelays;
import io.eventdedup.ttl.PrometheusText;
import io.eventdedup.ttl.ScrapedRetryDelays;
import io.eventdedup.ttl.TtlCoverage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Explains every source's TTL without connecting to anything; with {@code --metrics} or {@code --audit-topic}, compares the retry
 * delays the instances measured with each source's TTL ({@link TtlCoverage}).
 */
@Command(name = "ttl", mixinStandardHelpOptions = true,
        description = {"Print each source's TTL derivation (TTL = R + k·L + B), observation window, store retention and capacity "
                + "estimate, and exit. Connects to nothing unless asked to measure:",
                "  --metrics URL (repeat for each instance): the retry-delay histograms of /metrics;",
                "  --audit-topic TOPIC: the delay_ms of the audit records (duplicates, and late retries held by late-retry-policy=hold).",
                "Then each source's measured delays are compared with its TTL: the share of late retries, and the retry horizon that "
                        + "would have caught 99.9% of the retries."})
final class TtlCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--metrics", paramLabel = "URL", description = "An instance's metrics endpoint, e.g. http://dedup-1:8080/metrics; repeat for every instance.")
    List<URI> metrics = new ArrayList<>();

    @Option(names = "--audit-topic", paramLabel = "TOPIC", description = "Read the audit topic (from its beginning to its current end) for the delays.")
    String auditTopic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to read the audit topic from; default: the configuration's bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long a scrape or the audit read may take (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        List<SourceConfig> sources;
        try {
            sources = ConfigLoader.loadSources(config.file(), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (SourceConfig s : sources) {
            System.out.println(StartupSummary.ttlReport(s));
        }
        try {
            if (!metrics.isEmpty()) fromMetrics(sources).forEach(c -> System.out.println(c.explain()));
            if (auditTopic != null) fromAudit(sources).forEach(c -> System.out.println(c.explain()));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot measure the retry delays: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    private List<TtlCoverage> fromMetrics(List<SourceConfig> sources) throws IOException, InterruptedException {
        ScrapedRetryDelays scraped = new ScrapedRetryDelays();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (URI url : metrics) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException(url + " answered HTTP " + r.statusCode() + "; give the instances' /metrics URLs");
            scraped.add(PrometheusText.parse(r.body()));
        }
        Map<String, ScrapedRetryDelays.Source> bySource = scraped.bySource();
        String origin = metrics.size() == 1 ? "1 metrics endpoint" : metrics.size() + " metrics endpoints";
        List<TtlCoverage> out = new ArrayList<>();
        for (SourceConfig s : sources) {
            ScrapedRetryDelays.Source m = bySource.get(s.name());
            if (m == null) {
                System.out.println("source " + s.name() + ": no retry-delay histogram in the scrape (is this source configured on those instances?)");
                continue;
            }
            long late = m.late() == null ? 0 : m.late().count();
            out.add(new TtlCoverage(s.name(), s.ttlDuration(), margin(s), s.observationWindow(), m.all(), late, origin));
        }
        return out;
    }

    private List<TtlCoverage> fromAudit(List<SourceConfig> sources) {
        AppConfig app = ConfigLoader.load(config.file(), bootstrapServers == null ? System.getenv() : withBootstrap(System.getenv()));
        long read;
        AuditDelays delays;
        try (SchemaRegistry registry = SchemaRegistries.create(app.registryUrl(), app.registry())) {
            java.util.Map<Integer, Boolean> names = new java.util.HashMap<>();
            delays = new AuditDelays(id -> names.computeIfAbsent(id, i -> isDuplicateDetected(registry, i)));
            read = new AuditTopicReader(app, timeout).readInto(auditTopic, delays);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("closing the schema registry client: " + e.getMessage(), e);
        }
        System.out.println("read " + read + " audit records of " + auditTopic + (delays.unreadable() > 0 ? " (" + delays.unreadable()
                + " undecodable, skipped)" : "") + (delays.others() > 0 ? " (" + delays.others() + " releases and STALE records, not retries)" : "")
                + "; late retries forwarded under late-retry-policy=forward are not "
                + "audited, so use --metrics for their share");
        List<TtlCoverage> out = new ArrayList<>();
        for (SourceConfig s : sources) {
            var d = delays.of(s.name());
            out.add(new TtlCoverage(s.name(), s.ttlDuration(), margin(s), s.observationWindow(), d, d.countAtOrPast(s.ttlDuration()), "the audit topic"));
        }
        return out;
    }

    /** Whether a schema id names DuplicateDetected; an id the registry does not know is another record (counted, not read). */
    private static boolean isDuplicateDetected(SchemaRegistry registry, int id) {
        try {
            return DuplicateDetected.getClassSchema().getFullName().equals(registry.schemaById(id).getFullName());
        } catch (io.eventdedup.registry.SchemaNotFoundException e) {
            return false;
        }
    }

    /** k·L + B: what the TTL adds to the retry horizon. */
    private static Duration margin(SourceConfig s) {
        return s.ttlDuration().minus(s.ttl().retryHorizon());
    }

    private Map<String, String> withBootstrap(Map<String, String> env) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put(ConfigLoader.envName("bootstrap.servers"), bootstrapServers);
        return m;
    }

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.eventdedup.ttl.Durations.parse(value);
        }
    }
}
