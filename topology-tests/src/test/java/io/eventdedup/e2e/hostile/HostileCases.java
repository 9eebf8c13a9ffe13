package io.eventdedup.e2e.hostile;

import io.eventdedup.e2e.hostile.HostileCase.Outcome;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * The hostile records of issue 10, as a sender could write them, each with the outcome the gate owes it. Valid events carry keys
 * starting with {@link HostileCase#KEY_PREFIX}, so they are told apart from the load's on every topic.
 */
final class HostileCases {
    /** A value just under the broker's 1 MiB {@code message.max.bytes} (1,048,588 with the batch overhead). */
    static final int NEAR_MAX_VALUE_BYTES = 1_048_400;
    static final int MEGABYTE_KEY_BYTES = 1_000_000;
    static final int HEADER_COUNT = 1_000;
    static final int BIG_HEADER_BYTES = 100 * 1024;
    static final int JSON_DEPTH = 100_000;
    /** Ids no registry holds; the bare-404 one gets a bare 404 from the registry ({@code RegistryServer#answerBare404For}). */
    static final int MISSING_SCHEMA_ID = 424_242;
    static final int BARE_404_SCHEMA_ID = 434_343;
    /** How often the missing id is sent: the registry must be asked about it at most once. */
    static final int MISSING_ID_REPEATS = 20;
    static final String TENANT = "tenant-hostile";

    private static final Set<String> ANY_REASON = Set.of();

    private final Topics topics;
    private final int telemetrySchemaId;
    private final int webhookSchemaId;
    private final long now;
    private final SplittableRandom random = new SplittableRandom(10);
    private final SpecificDatumWriter<TelemetryEvent> telemetryWriter = new SpecificDatumWriter<>(TelemetryEvent.class);
    private final SpecificDatumWriter<WebhookEvent> webhookWriter = new SpecificDatumWriter<>(WebhookEvent.class);
    private int seq;

    /** The input topics (and partition counts) of the three sources: telemetry and webhooks (Avro, with the load), orders (JSON). */
    record Topics(String telemetry, String webhooks, String orders, int partitions) {}

    HostileCases(Topics topics, int telemetrySchemaId, int webhookSchemaId, long now) {
        this.topics = topics;
        this.telemetrySchemaId = telemetrySchemaId;
        this.webhookSchemaId = webhookSchemaId;
        this.now = now;
    }

    /**
     * X(ts=0), Y(now), X retried (ts=0) on the one partition of the JSON source, sent before anything else reaches it: the dedup
     * task starts fresh with X, and X must still be forwarded once.
     */
    List<HostileCase> freshTaskTimestampZeroSequence() {
        String x = key("fresh-ts0-x");
        String y = key("fresh-ts0-y");
        return List.of(
                orders("fresh task: X with timestamp 0", x, 1, 0L, Outcome.FORWARDED),
                orders("fresh task: Y with timestamp now", y, 1, null, Outcome.FORWARDED),
                orders("fresh task: X retried with timestamp 0", x, 2, 0L, Outcome.DUPLICATE));
    }

    /** Every other case, to be sent while the load runs, spread over the partitions of the load's topics. */
    List<HostileCase> mixedIntoTheLoad() {
        List<HostileCase> c = new ArrayList<>();
        timestamps(c);
        sizes(c);
        content(c);
        return c;
    }

    private void timestamps(List<HostileCase> c) {
        long yearMs = Duration.ofDays(365).toMillis();
        c.add(telemetryEvent("timestamp -5 (raw produce request)", key("ts-negative"), -5L, true, Outcome.FORWARDED));
        c.add(telemetryEvent("timestamp 0", key("ts-zero"), 0L, false, Outcome.FORWARDED));
        c.add(telemetryEvent("timestamp 3 years old", key("ts-years-old"), now - 3 * yearMs, false, Outcome.FORWARDED));
        c.add(telemetryEvent("timestamp 10 years ahead", key("ts-ten-years-ahead"), now + 10 * yearMs, false, Outcome.FORWARDED));
        c.add(telemetryEvent("timestamp Long.MAX_VALUE", key("ts-long-max"), Long.MAX_VALUE, false, Outcome.FORWARDED));
        c.add(webhookEvent("webhook with timestamp Long.MAX_VALUE", key("wh-ts-long-max"), Long.MAX_VALUE, body(200), Outcome.FORWARDED));

        String x = key("warm-ts0-x");
        int p = 0; // one partition for the whole sequence
        c.add(at(p, telemetryEvent("warm task: X with timestamp 0", x, 0L, false, Outcome.FORWARDED)));
        c.add(at(p, telemetryEvent("warm task: Y with timestamp now", key("warm-ts0-y"), null, false, Outcome.FORWARDED)));
        c.add(at(p, withAttempt(telemetryEvent("warm task: X retried with timestamp 0", x, 0L, false, Outcome.DUPLICATE), x, 2)));

        String d = key("retry-long-max");
        c.add(at(p, telemetryEvent("event later retried with Long.MAX_VALUE: first delivery", d, null, false, Outcome.FORWARDED)));
        c.add(at(p, withAttempt(telemetryEvent("retry with timestamp Long.MAX_VALUE", d, Long.MAX_VALUE, false, Outcome.DUPLICATE), d, 2)));

        c.add(garbage("random bytes with timestamp -5 (raw produce request)", topics.telemetry(), "telemetry", -5L, true,
                nonFramedRandom(512), Set.of("UNDECODABLE")));
        c.add(garbage("random bytes with timestamp Long.MAX_VALUE", topics.telemetry(), "telemetry", Long.MAX_VALUE, false,
                nonFramedRandom(512), Set.of("UNDECODABLE")));
        c.add(garbage("unknown schema id with timestamp 10 years ahead", topics.webhooks(), "webhooks", now + 10 * yearMs, false,
                ConfluentWireFormat.frame(MISSING_SCHEMA_ID + 1, new byte[64]), Set.of("UNKNOWN_SCHEMA")));
    }

    private void sizes(List<HostileCase> c) {
        c.add(nearMaxWebhook());
        byte[] bigKey = bytes(MEGABYTE_KEY_BYTES);
        HostileCase k = telemetryEvent("1 MB record key", key("key-1mb"), null, false, Outcome.FORWARDED);
        c.add(new HostileCase(k.name(), k.source(), k.topic(), k.partition(), k.timestamp(), k.raw(), bigKey, k.value(), k.headers(),
                k.tenant(), k.dedupKey(), k.expected(), k.reasons()));

        Header[] many = new Header[HEADER_COUNT];
        for (int i = 0; i < many.length; i++) many[i] = new RecordHeader(String.format("x-hostile-%04d", i), ("v" + i).getBytes(StandardCharsets.UTF_8));
        c.add(withHeaders(telemetryEvent("1,000 headers", key("headers-1000"), null, false, Outcome.FORWARDED), many));
        c.add(withHeaders(webhookEvent("100 KB header", key("header-100kb"), null, body(300), Outcome.FORWARDED),
                new Header[] {new RecordHeader("x-trace-blob", ascii(BIG_HEADER_BYTES))}));

        HostileCase bigIdem = webhookEvent("100 KB Idempotency-Key header", key("idem-100kb"), null, body(300), Outcome.DEAD_LETTER);
        c.add(dlqOnly(withHeaders(bigIdem, new Header[] {new RecordHeader("Idempotency-Key", ascii(BIG_HEADER_BYTES))}), Set.of("BAD_KEY")));
        HostileCase bigTenant = telemetryEvent("100 KB X-Tenant-Id header", key("tenant-100kb"), null, false, Outcome.DEAD_LETTER);
        c.add(dlqOnly(withHeaders(bigTenant, new Header[] {new RecordHeader("X-Tenant-Id", ascii(BIG_HEADER_BYTES))}), Set.of("BAD_KEY")));
    }

    private void content(List<HostileCase> c) {
        c.add(garbage("random bytes", topics.telemetry(), "telemetry", null, false, nonFramedRandom(4096), Set.of("UNDECODABLE")));
        c.add(garbage("random bytes on webhooks", topics.webhooks(), "webhooks", null, false, nonFramedRandom(2048), Set.of("UNDECODABLE")));
        c.add(garbage("random Avro body under the telemetry schema id", topics.telemetry(), "telemetry", null, false,
                ConfluentWireFormat.frame(telemetrySchemaId, bytes(3000)), Set.of("UNDECODABLE")));
        c.add(garbage("empty value", topics.telemetry(), "telemetry", null, false, new byte[0], Set.of("UNDECODABLE")));
        c.add(garbage("null value (tombstone)", topics.webhooks(), "webhooks", null, false, null, Set.of("NULL_VALUE")));
        byte[] body = avro(telemetry(key("bogus-id-body"), 1), telemetryWriter);
        for (int id : new int[] {-1, 0, Integer.MAX_VALUE}) {
            c.add(garbage("schema id " + id, topics.telemetry(), "telemetry", null, false, reframe(body, id), Set.of("UNKNOWN_SCHEMA")));
        }
        for (int i = 0; i < MISSING_ID_REPEATS; i++) {
            c.add(garbage("schema id " + MISSING_SCHEMA_ID + " (not in the registry) #" + (i + 1), i % 2 == 0 ? topics.telemetry() : topics.webhooks(),
                    i % 2 == 0 ? "telemetry" : "webhooks", null, false, reframe(body, MISSING_SCHEMA_ID), Set.of("UNKNOWN_SCHEMA")));
        }
        for (int i = 0; i < 3; i++) {
            c.add(garbage("schema id " + BARE_404_SCHEMA_ID + " answered by a bare 404 #" + (i + 1), topics.telemetry(), "telemetry", null, false,
                    reframe(body, BARE_404_SCHEMA_ID), Set.of("UNKNOWN_SCHEMA")));
        }
        byte[] deep = deepJson(JSON_DEPTH);
        c.add(garbage("JSON nested 100,000 deep on an Avro topic", topics.telemetry(), "telemetry", null, false, deep, Set.of("UNDECODABLE")));
        c.add(garbage("JSON nested 100,000 deep on the JSON source", topics.orders(), "orders", null, false, deep, Set.of("UNDECODABLE")));
        c.add(webhookEvent("webhook whose body is JSON nested 100,000 deep", key("wh-deep-json"), null, deep, Outcome.FORWARDED));
        c.add(orders("JSON event after the deep one", key("orders-after-deep"), 1, null, Outcome.FORWARDED));
    }

    // ---- builders ------------------------------------------------------------------------------------------------------------

    private HostileCase telemetryEvent(String name, String eventId, Long timestamp, boolean raw, Outcome outcome) {
        byte[] value = avro(telemetry(eventId, 1), telemetryWriter);
        return new HostileCase(name, "telemetry", topics.telemetry(), nextPartition(), timestamp, raw, eventId.getBytes(StandardCharsets.UTF_8),
                ConfluentWireFormat.frame(telemetrySchemaId, value), new Header[0], TENANT, eventId, outcome, ANY_REASON);
    }

    private HostileCase webhookEvent(String name, String eventId, Long timestamp, byte[] body, Outcome outcome) {
        byte[] value = avro(webhook(eventId, body), webhookWriter);
        return new HostileCase(name, "webhooks", topics.webhooks(), nextPartition(), timestamp, false, eventId.getBytes(StandardCharsets.UTF_8),
                ConfluentWireFormat.frame(webhookSchemaId, value), new Header[0], TENANT, eventId, outcome, ANY_REASON);
    }

    private HostileCase orders(String name, String eventId, int attempt, Long timestamp, Outcome outcome) {
        String json = "{\"event_id\":\"" + eventId + "\",\"tenant_id\":\"" + TENANT + "\",\"amount_cents\":4200,\"attempt\":" + attempt + "}";
        return new HostileCase(name, "orders", topics.orders(), 0, timestamp, false, eventId.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8), new Header[0], TENANT, eventId, outcome, ANY_REASON);
    }

    private HostileCase garbage(String name, String topic, String source, Long timestamp, boolean raw, byte[] value, Set<String> reasons) {
        return new HostileCase(name, source, topic, topic.equals(topics.orders()) ? 0 : nextPartition(), timestamp, raw, null, value,
                new Header[0], null, null, Outcome.DEAD_LETTER, reasons);
    }

    /** A webhook whose framed value is exactly {@link #NEAR_MAX_VALUE_BYTES}: forwarded, or a DLQ reference; never a crash. */
    private HostileCase nearMaxWebhook() {
        String id = key("value-1048400");
        int probe = avro(webhook(id, new byte[1_000_000]), webhookWriter).length + ConfluentWireFormat.HEADER_SIZE;
        byte[] body = ascii(1_000_000 + NEAR_MAX_VALUE_BYTES - probe);
        HostileCase c = webhookEvent("value of 1,048,400 bytes", id, null, body, Outcome.FORWARDED_OR_DEAD_LETTER);
        if (c.value().length != NEAR_MAX_VALUE_BYTES) throw new IllegalStateException("near-max value is " + c.value().length + " bytes");
        return c;
    }

    private TelemetryEvent telemetry(String eventId, int attempt) {
        return new TelemetryEvent(eventId, TENANT, "device-hostile", TelemetryType.METRICS, Instant.ofEpochMilli(now),
                Map.of("cpu.load", 0.5), Map.of("suite", "hostile"), null, attempt, Instant.ofEpochMilli(now));
    }

    private WebhookEvent webhook(String eventId, byte[] body) {
        return new WebhookEvent(eventId, TENANT, "stripe", "invoice.paid", Instant.ofEpochMilli(now), "application/json",
                ByteBuffer.wrap(body), "t=0,v1=hostile", 1, Instant.ofEpochMilli(now), null, null);
    }

    /** The same event, delivered again: only the volatile {@code attempt} differs. */
    private HostileCase withAttempt(HostileCase c, String eventId, int attempt) {
        byte[] value = ConfluentWireFormat.frame(telemetrySchemaId, avro(telemetry(eventId, attempt), telemetryWriter));
        return new HostileCase(c.name(), c.source(), c.topic(), c.partition(), c.timestamp(), c.raw(), c.key(), value, c.headers(),
                c.tenant(), c.dedupKey(), c.expected(), c.reasons());
    }

    private static HostileCase withHeaders(HostileCase c, Header[] headers) {
        return new HostileCase(c.name(), c.source(), c.topic(), c.partition(), c.timestamp(), c.raw(), c.key(), c.value(), headers,
                c.tenant(), c.dedupKey(), c.expected(), c.reasons());
    }

    /** A valid event whose key or tenant header is unusable: DLQ only, and its event id must not reach the output either. */
    private static HostileCase dlqOnly(HostileCase c, Set<String> reasons) {
        return new HostileCase(c.name(), c.source(), c.topic(), c.partition(), c.timestamp(), c.raw(), c.key(), c.value(), c.headers(),
                c.tenant(), c.dedupKey(), Outcome.DEAD_LETTER, reasons);
    }

    private static HostileCase at(int partition, HostileCase c) {
        return new HostileCase(c.name(), c.source(), c.topic(), partition, c.timestamp(), c.raw(), c.key(), c.value(), c.headers(),
                c.tenant(), c.dedupKey(), c.expected(), c.reasons());
    }

    private int nextPartition() {
        return seq++ % topics.partitions();
    }

    private String key(String name) {
        return HostileCase.KEY_PREFIX + name;
    }

    private static <T extends SpecificRecord> byte[] avro(T record, SpecificDatumWriter<T> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(record, e);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** The Avro body of a framed value under another schema id. */
    private static byte[] reframe(byte[] avroBody, int schemaId) {
        return ConfluentWireFormat.frame(schemaId, avroBody);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Random bytes that do not start with the wire format's magic byte 0. */
    private byte[] nonFramedRandom(int n) {
        byte[] b = bytes(n);
        if (b[0] == ConfluentWireFormat.MAGIC) b[0] = 0x7f;
        return b;
    }

    private static byte[] ascii(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    private static byte[] body(int n) {
        return ("{\"pad\":\"" + "p".repeat(Math.max(0, n - 10)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"a":{"a":...{"a":1}...}}} nested {@code depth} objects deep. */
    static byte[] deepJson(int depth) {
        StringBuilder b = new StringBuilder(depth * 6 + 1);
        b.append("{\"a\":".repeat(depth)).append('1').append("}".repeat(depth));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
