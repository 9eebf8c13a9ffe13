package io.eventdedup.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: fast settings, a sleeper that records instead of waiting, and a few schemas. */
final class RegistryTestSupport {
    private RegistryTestSupport() {}

    static final Schema ORDER = SchemaBuilder.record("Order").namespace("test").fields()
            .requiredString("order_id").requiredLong("amount").endRecord();
    static final Schema PAYMENT = SchemaBuilder.record("Payment").namespace("test").fields()
            .requiredString("payment_id").endRecord();

    /** Records the waits asked for; never sleeps, so retry tests run in milliseconds and can assert the schedule. */
    static final class RecordingSleeper implements RegistryTransport.Sleeper {
        final List<Duration> waits = new ArrayList<>();

        @Override
        public synchronized void sleep(Duration d) {
            waits.add(d);
        }
    }

    /** Retries 3, tiny backoffs, timeouts short enough for tests yet far above a loopback round trip. */
    static RegistryClientSettings.Builder fast(URI... urls) {
        return RegistryClientSettings.builder()
                .baseUrls(List.of(urls))
                .maxRetries(3)
                .initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(5))
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(5));
    }
}
