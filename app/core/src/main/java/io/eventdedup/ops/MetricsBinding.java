package io.eventdedup.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Objects;

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
 * JVM binders are bound once per registry; {@link #bindStreams} may be called again for a replacement Kafka Streams instance,
 * and unbinds the previous one's meters. {@link #close()} releases the GC listeners and the Kafka metrics refresh thread.
 */
public final class MetricsBinding implements AutoCloseable {
    private final MeterRegistry registry;
    private JvmGcMetrics gc;
    private KafkaStreamsMetrics streamsMetrics;
    private boolean closed;

    public MetricsBinding(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry);
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
