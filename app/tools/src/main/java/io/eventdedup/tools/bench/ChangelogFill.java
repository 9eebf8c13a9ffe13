package io.eventdedup.tools.bench;

import io.eventdedup.config.AppConfig;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.tools.loadgen.LoadClock;
import io.eventdedup.tools.loadgen.LoadGenerator;
import io.eventdedup.tools.loadgen.LoadLedger;
import io.eventdedup.tools.loadgen.LoadProfile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.Map;

/**
 * Fills event-dedup's dedup stores without running the application over a fill input: the load generator makes the fill's
 * unique events as it would for the input topics, and each becomes, at once, the changelog record the application's dedup store
 * would have written for it ({@link ChangelogFillProducer}, {@link StoreChangelogRecords}), written straight to the store's
 * changelog topic, created first with Kafka Streams' settings ({@link ChangelogTopics}). When the application then starts on
 * that application id with an empty state directory it restores its stores from those changelogs: the same keys, values,
 * window timestamps and partitions as a fill through the application, at the producer's and the restore's speed instead of the
 * application's.
 * <p>The changelog records are written by a plain idempotent producer, not in a transaction: the application restores under
 * exactly_once_v2 with a read_committed consumer, which reads records written outside transactions as committed.
 * <p>Only the dedup stores are filled: a stale-checked source's stale store (keyed by entity, kept for the TTL) stays empty.
 */
final class ChangelogFill {
    /**
     * What a fill wrote.
     *
     * @param ledger         the load generator's ledger of the fill's events (none of them was written to an input topic)
     * @param changelogRecords changelog records written, one per stored key
     * @param invalid        events the application would have found invalid (not stored)
     * @param seconds        wall-clock time from the first event made to the last changelog record acknowledged
     * @param sample         the first input records as the generator made them, with the partition each was made for; their
     *                       offsets are their place in their partition
     */
    record Result(LoadLedger ledger, long changelogRecords, long invalid, double seconds, List<ProducerRecord<byte[], byte[]>> sample) {
        double recordsPerSecond() {
            return seconds <= 0 ? 0 : changelogRecords / seconds;
        }
    }

    private ChangelogFill() {}

    /**
     * Creates the changelogs of {@code config}'s dedup stores and fills them with {@code profile}'s unique events, as read from
     * {@code config}'s input topics of {@code partitions} partitions (the topics themselves are not written).
     *
     * @param producerConfig settings of the changelog producer (bootstrap, serialisers, client security settings, batching)
     * @param sampleSize     first input records kept in {@link Result#sample()}
     */
    static Result fill(Admin admin, Map<String, Object> producerConfig, AppConfig config, SchemaRegistry registry, LoadProfile profile,
                       String telemetryTopic, String webhooksTopic, int partitions, int sampleSize) throws InterruptedException {
        ChangelogTopics.create(admin, config, partitions);
        StoreChangelogRecords records = new StoreChangelogRecords(config, registry, partitions);
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> changelog = new KafkaProducer<>(producerConfig)) {
            ChangelogFillProducer fill = new ChangelogFillProducer(changelog, records, partitions, System::currentTimeMillis, sampleSize);
            LoadLedger ledger = LoadGenerator.builder(profile, registry, fill).clock(LoadClock.system())
                    .telemetryTopic(telemetryTopic).webhooksTopic(webhooksTopic).build().generate(); // flushes the changelog producer
            return new Result(ledger, fill.written(), records.invalid(), (System.nanoTime() - t0) / 1e9, fill.sample());
        }
    }
}
