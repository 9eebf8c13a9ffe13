package io.eventdedup.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Objects;
import java.util.Set;

/**
 * Binds what the application does not measure itself to the registry: the JVM (memory, GC, threads, CPU, class loading) and
 * Kafka Streams' own metrics (via Micrometer's {@link KafkaStreamsMetrics}), and points {@link DedupMetrics}' store and state
 * gauges at the Kafka Streams instance.
 *
 * <pre>
 * MetricsBinding binding = new MetricsBinding(registry).bindJvm();
 * ... build topology with dedupMetrics, then KafkaStreams ...
 * binding.bindStreams(streams, dedupMetrics);
 * </pre>
 *
 * <p>Kafka's own metrics are many (each consumer, producer and admin client, per topic and per partition: 300+ series for two
 * sources on 6 partitions) and grow with the partitions. Unless {@code metrics.kafka.all=true}, only {@link #LEAN_KAFKA_METERS}
 * are exported, at client or thread level (no per-partition or per-topic series): what the shipped dashboard and alert rules
 * read, plus rebalances, commits and producer errors for diagnosis. MetricNamesTest checks the dashboard and rules against it.
 *
 * <p>JVM binders are bound once per registry; {@link #bindStreams} may be called again for a replacement Kafka Streams instance,
 * and unbinds the previous one's meters. {@link #close()} releases the GC listeners and the Kafka metrics refresh thread.
 */
public final class MetricsBinding implements AutoCloseable {
    private final MeterRegistry registry;
    private JvmGcMetrics gc;
    private KafkaStreamsMetrics streamsMetrics;
    private boolean closed;

    /** Kafka meters kept when not all are exported (Micrometer names; Prometheus spells them with {@code _}). */
    public static final Set<String> LEAN_KAFKA_METERS = Set.of(
            "kafka.consumer.fetch.manager.records.lag.max",   // consumer lag (alerts, dashboard)
            "kafka.stream.alive.stream.threads",              // dashboard
            "kafka.stream.thread.poll.total",                 // dashboard, alert (stalled polling)
            "kafka.stream.thread.process.total",              // dashboard
            "kafka.stream.thread.commit.total",
            "kafka.consumer.coordinator.rebalance.total",
            "kafka.consumer.coordinator.failed.rebalance.total",
            "kafka.producer.record.error.total");

    /** Lean Kafka metrics ({@code metrics.kafka.all=false}). */
    public MetricsBinding(MeterRegistry registry) {
        this(registry, false);
    }

    /** @param allKafkaMetrics {@code metrics.kafka.all}: export every Kafka client and Streams metric */
    public MetricsBinding(MeterRegistry registry, boolean allKafkaMetrics) {
        this.registry = Objects.requireNonNull(registry);
        if (!allKafkaMetrics) registry.config().meterFilter(MeterFilter.deny(MetricsBinding::notLean));
    }

    /** A Kafka meter outside the lean set, or one of its per-topic or per-partition series. */
    static boolean notLean(Meter.Id id) {
        if (!id.getName().startsWith("kafka.")) return false;
        return !LEAN_KAFKA_METERS.contains(id.getName()) || id.getTag("partition") != null || id.getTag("topic") != null;
    }

    /** Binds the JVM and process binders; does nothing if already bound. */
    public synchronized MetricsBinding bindJvm() {
        checkOpen();
        if (gc != null) return this;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return this;
    }

    /** Binds Kafka Streams' own metrics and points {@code dedupMetrics}' store and state gauges at {@code streams}. */
    public synchronized MetricsBinding bindStreams(KafkaStreams streams, DedupMetrics dedupMetrics) {
        checkOpen();
        if (streamsMetrics != null) streamsMetrics.close(); // removes the previous instance's meters
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        dedupMetrics.bindStreams(streams);
        return this;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("metrics binding is closed");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (streamsMetrics != null) streamsMetrics.close();
        if (gc != null) gc.close();
    }
}
