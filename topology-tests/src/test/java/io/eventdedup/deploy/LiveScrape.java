package io.eventdedup.deploy;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.StreamsProperties;
import io.eventdedup.ops.DedupMetrics;
import io.eventdedup.ops.MetricsBinding;
import io.eventdedup.ops.OpsHttpServer;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.serde.ConfluentWireFormat;
import io.eventdedup.topology.DedupTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code /metrics} scrape of the application as it is wired in production ({@code DedupApplication}): the shipped
 * default sources, {@link DedupMetrics} fed by the real topology (driven through a {@link TopologyTestDriver}), the JVM binders and
 * Kafka Streams' own metrics from a real, never started {@link KafkaStreams} instance on the same topology (via
 * {@link MetricsBinding}), served by {@link OpsHttpServer} and fetched over HTTP as Prometheus would.
 */
final class LiveScrape {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})?\\s+\\S+.*$");
    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\w+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:\\\\.|[^\"\\\\])*)\"");

    /** The scrape's text. */
    final String body;
    /** Every series name a PromQL selector can match: the names of the sample lines, suffixes included. */
    final Set<String> seriesNames;
    /** Family name → its TYPE ({@code counter}, {@code gauge}, {@code histogram}, ...). */
    final Map<String, String> families;
    /** Series name → the label sets of its samples. */
    final Map<String, List<Map<String, String>>> labelSets;

    private LiveScrape(String body) {
        this.body = body;
        Set<String> series = new TreeSet<>();
        Map<String, String> types = new TreeMap<>();
        Map<String, List<Map<String, String>>> labels = new TreeMap<>();
        for (String line : body.split("\n")) {
            Matcher t = TYPE.matcher(line);
            if (t.matches()) types.put(t.group(1), t.group(2));
            if (line.startsWith("#") || line.isBlank()) continue;
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) throw new IllegalStateException("not a sample line of the Prometheus text format: " + line);
            series.add(m.group(1));
            Map<String, String> ls = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) ls.put(l.group(1), unescape(l.group(2)));
            }
            labels.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(ls);
        }
        this.seriesNames = Set.copyOf(series);
        this.families = Map.copyOf(types);
        this.labelSets = Map.copyOf(labels);
    }

    /** The values {@code label} takes on the series {@code name}. */
    Set<String> labelValues(String name, String label) {
        Set<String> values = new TreeSet<>();
        for (Map<String, String> ls : labelSets.getOrDefault(name, List.of())) if (ls.containsKey(label)) values.add(ls.get(label));
        return values;
    }

    /** The text format escapes a label value's backslash, double quote and line feed. */
    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The family a series belongs to: {@code _bucket}, {@code _count} and {@code _sum} are stripped only where the family is a
     * histogram or summary that exists in the scrape (so {@code dedup_events_total} stays itself), {@code _max} only where the
     * stripped name is a timer's family.
     */
    String familyOf(String series) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_created"}) {
            if (series.endsWith(suffix)) {
                String base = series.substring(0, series.length() - suffix.length());
                String type = families.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) return base;
            }
        }
        return series;
    }

    static LiveScrape take(Path stateDir) throws IOException {
        String scope = "deploy-scrape-" + UUID.randomUUID();
        MockSchemaRegistry schemas = MockSchemaRegistry.forScope(scope);
        try {
            AppConfig app = ConfigLoader.load(Map.of(
                    "bootstrap.servers", "127.0.0.1:9",
                    "schema.registry.url", "mock://" + scope,
                    "state.dir", stateDir.toString()));
            int auditId = schemas.register(SchemaRegistry.valueSubject(app.auditTopic()), DuplicateDetected.getClassSchema());
            int releaseId = schemas.register(SchemaRegistry.recordSubject(app.auditTopic(), KeyReleased.getClassSchema()), KeyReleased.getClassSchema());
            int telemetryId = schemas.register(SchemaRegistry.valueSubject("telemetry.events"), TelemetryEvent.getClassSchema());

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            DedupMetrics metrics = DedupMetrics.forConfig(registry, app.dedupConfig(auditId, releaseId), app.tenantLabelLimit());
            new io.eventdedup.runtime.RestoreSummary(registry); // the restore gauges DedupApplication registers
            Properties props = StreamsProperties.build(app);
            Properties driverProps = new Properties();
            driverProps.putAll(props);
            driverProps.put("state.dir", stateDir.resolve("driver").toString());

            try (MetricsBinding binding = new MetricsBinding(registry).bindJvm();
                 KafkaStreams streams = new KafkaStreams(new DedupTopology(app.dedupConfig(auditId, releaseId), schemas, metrics).build(props), props);
                 TopologyTestDriver driver = new TopologyTestDriver(
                         new DedupTopology(app.dedupConfig(auditId, releaseId), schemas, metrics).build(driverProps), driverProps, T0.plus(Duration.ofMinutes(1)))) {
                binding.bindStreams(streams, metrics);
                // The store gauges read the driver's stores (the unstarted instance holds none); the state stays the real one.
                metrics.bindStreams(driver::metrics, streams::state);

                TestInputTopic<byte[], byte[]> in = driver.createInputTopic("telemetry.events", new ByteArraySerializer(), new ByteArraySerializer());
                byte[] event = ConfluentWireFormat.frame(telemetryId, avro(telemetry("evt-1", "acme", 0)));
                byte[] mismatch = ConfluentWireFormat.frame(telemetryId, avro(telemetry("evt-1", "acme", 0, 99.0)));
                in.pipeInput(null, event, T0);                                                       // unique
                in.pipeInput(null, ConfluentWireFormat.frame(telemetryId, avro(telemetry("evt-1", "acme", 1))), T0.plusSeconds(3)); // duplicate
                in.pipeInput(null, mismatch, T0.plusSeconds(4));                                    // payload_mismatch
                in.pipeInput(null, "not avro".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(5)); // invalid

                try (OpsHttpServer http = OpsHttpServer.start(OpsHttpServer.Settings.defaults().withBindAddress("127.0.0.1").withPort(0),
                        streams::state, registry)) {
                    return new LiveScrape(get(http.port(), "/metrics"));
                }
            }
        } finally {
            MockSchemaRegistry.drop(scope);
        }
    }

    private static TelemetryEvent telemetry(String id, String tenant, int attempt) {
        return telemetry(id, tenant, attempt, 0.5);
    }

    private static TelemetryEvent telemetry(String id, String tenant, int attempt, double cpu) {
        return TelemetryEvent.newBuilder()
                .setEventId(id).setTenantId(tenant).setDeviceId("dev-1").setType(TelemetryType.METRICS)
                .setOccurredAt(T0.minusSeconds(1)).setMetrics(Map.of("cpu.load", cpu)).setLabels(Map.of())
                .setAttempt(attempt).setSentAt(T0.plusSeconds(attempt))
                .build();
    }

    private static byte[] avro(TelemetryEvent e) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(TelemetryEvent.class).write(e, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
