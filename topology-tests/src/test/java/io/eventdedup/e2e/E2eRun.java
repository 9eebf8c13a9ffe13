package io.eventdedup.e2e;

import io.eventdedup.tools.loadgen.EventSource;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import io.eventdedup.tools.loadgen.Reconciler;
import io.eventdedup.tools.loadgen.ReconciliationReport;
import io.eventdedup.registry.SchemaRegistries;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end-to-end scenario on the shared broker: its own topics and application id, the app as separate processes, the load
 * generator and the independent reconciler.
 */
final class E2eRun implements AutoCloseable {
    private static final Pattern EVENTS = Pattern.compile("^dedup_events_total\\{.*} ([0-9.E]+)$", Pattern.MULTILINE);
    private static final Pattern UNIQUE = Pattern.compile("^dedup_events_total\\{outcome=\"unique\".*} ([0-9.E]+)$", Pattern.MULTILINE);

    final KafkaBackend backend = KafkaBackend.shared();
    final String id = UUID.randomUUID().toString().substring(0, 8);
    final Path workDir;
    final SchemaRegistry registry;
    final Map<String, String> overrides = new HashMap<>();
    private final Producer<byte[], byte[]> producer;

    E2eRun(int partitions) {
        try {
            workDir = Files.createTempDirectory("e2e-" + id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        backend.createTopics(partitions, topic("telemetry.events"), topic("webhooks.events"));
        registry = SchemaRegistries.create(backend.registryUrl());
        producer = new KafkaProducer<>(LoadGenerator.producerConfig(backend.bootstrapServers()));
    }

    String topic(String name) {
        return id + "." + name;
    }

    Map<String, String> appConfig(String instance) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", backend.bootstrapServers());
        c.put("application.id", "e2e-" + id);
        c.put("state.dir", workDir.resolve(instance + "-state").toString());
        c.put("schema.registry.url", backend.registryUrl());
        c.put("rocksdb.memory.budget", "32MiB");
        c.put("source.telemetry.input.topics", topic("telemetry.events"));
        c.put("source.telemetry.output.topic", topic("telemetry.events.unique"));
        c.put("source.webhooks.input.topics", topic("webhooks.events"));
        c.put("source.webhooks.output.topic", topic("webhooks.events.unique"));
        c.put("audit.topic", topic("dedup.audit"));
        c.put("dlq.topic", topic("dedup.dlq"));
        c.put("control.topic", topic("dedup.control"));
        // A killed instance's partitions move after its session times out: keep that short for the test.
        c.put("kafka.session.timeout.ms", "6000");
        c.put("kafka.heartbeat.interval.ms", "1000");
        c.putAll(overrides);
        return c;
    }

    AppProcess startApp(String instance) {
        return AppProcess.start(instance, workDir, appConfig(instance));
    }

    LoadGenerator generator(LoadProfile profile) {
        return generator(profile, registry);
    }

    LoadGenerator generator(LoadProfile profile, SchemaRegistry producersRegistry) {
        return LoadGenerator.builder(profile, producersRegistry, producer)
                .telemetryTopic(topic("telemetry.events")).webhooksTopic(topic("webhooks.events")).build();
    }

    CompletableFuture<LoadLedger> generateInBackground(LoadGenerator generator) {
        return CompletableFuture.supplyAsync(generator::generate);
    }

    ReconciliationReport reconcile(LoadLedger ledger) {
        return Reconciler.builder(backend.bootstrapServers(), registry)
                .outputTopic(EventSource.TELEMETRY, topic("telemetry.events.unique"))
                .outputTopic(EventSource.WEBHOOKS, topic("webhooks.events.unique"))
                .auditTopic(topic("dedup.audit")).dlqTopic(topic("dedup.dlq"))
                .build().reconcile(ledger, Duration.ofSeconds(120));
    }

    /** Records an instance has decided on, from its own /metrics (counted again if a transaction aborts: a progress signal only). */
    static long processed(AppProcess app) {
        return sum(app, EVENTS);
    }

    static long uniqueForwarded(AppProcess app) {
        return sum(app, UNIQUE);
    }

    /** The sum of every series the pattern matches in the instance's scrape; -1 when it cannot be scraped. */
    private static long sum(AppProcess app, Pattern series) {
        try {
            Matcher m = series.matcher(app.metrics());
            double sum = 0;
            while (m.find()) sum += Double.parseDouble(m.group(1));
            return (long) sum;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static double metric(AppProcess app, String series) {
        try {
            Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E]+)$", Pattern.MULTILINE).matcher(app.metrics());
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        producer.close();
        registry.close();
    }
}
