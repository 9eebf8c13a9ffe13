package io.eventdedup.tools.loadgen;

import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds the values of telemetry and webhook events in the Confluent wire format. The non-volatile content of an event is a pure
 * function of its plan and a content variant, so every retry re-creates exactly the same fingerprinted bytes; only the volatile
 * fields ({@code attempt}, {@code sent_at}, a webhook's {@code signature}) change. One instance per generator thread: it reuses its
 * encoder and buffer.
 */
final class Payloads {
    private static final long VARIANT_STRIDE = 0x9E3779B97F4A7C15L;
    private static final String[] METRICS = {
            "cpu.load", "cpu.temp_c", "mem.used_bytes", "mem.free_bytes", "disk.used_pct", "disk.io_wait_ms", "net.rx_bytes",
            "net.tx_bytes", "net.errors", "battery.pct", "signal.rssi_dbm", "uptime_s", "fan.rpm", "power.watts", "queue.depth",
            "gc.pause_ms"};
    private static final String[] REGIONS = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2", "sa-east-1"};
    private static final String[] PROVIDERS = {"stripe", "stripe", "stripe", "stripe", "stripe", "github", "github", "github", "shopify", "shopify"};
    private static final String[] STRIPE_TYPES = {"invoice.paid", "invoice.payment_failed", "customer.subscription.updated",
            "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"};
    private static final String[] GITHUB_TYPES = {"push", "pull_request", "issues", "workflow_run", "release"};
    private static final String[] SHOPIFY_TYPES = {"orders/create", "orders/paid", "products/update", "customers/create", "refunds/create"};
    private static final String[] ITEMS = {"Pro plan seat", "Storage add-on 100 GB", "Support Gold", "API calls (overage)",
            "Team plan seat", "Data export", "SSO add-on", "Priority queue"};
    private static final char[] ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String runId;
    private final int telemetrySchemaId;
    private final int webhookSchemaId;
    private final int webhookBodyBytes;
    private final int telemetryMetrics;
    private final SpecificDatumWriter<TelemetryEvent> telemetryWriter = new SpecificDatumWriter<>(TelemetryEvent.class);
    private final SpecificDatumWriter<WebhookEvent> webhookWriter = new SpecificDatumWriter<>(WebhookEvent.class);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    private final StringBuilder json = new StringBuilder(2048);
    private BinaryEncoder encoder;
    /** Set by {@link #upgradeTelemetry}: telemetry written under the newer schema from then on. */
    private TelemetrySchemaUpgrade upgrade;
    private int upgradedSchemaId;

    Payloads(String runId, int telemetrySchemaId, int webhookSchemaId, int telemetryPayloadBytes, int webhookBodyBytes) {
        this.runId = runId;
        this.telemetrySchemaId = telemetrySchemaId;
        this.webhookSchemaId = webhookSchemaId;
        this.webhookBodyBytes = webhookBodyBytes;
        this.telemetryMetrics = metricsFor(telemetryPayloadBytes);
    }

    /** The number of metrics that brings a typical telemetry event closest to {@code targetBytes}. */
    private int metricsFor(int targetBytes) {
        EventPlan probe = EventPlan.probe();
        int base = telemetryWithMetrics(probe, 0, 1, 0L, 0).length;
        int one = telemetryWithMetrics(probe, 0, 1, 0L, 8).length;
        double perMetric = (one - base) / 8.0;
        return (int) Math.max(1, Math.min(500, Math.round((targetBytes - base) / perMetric)));
    }

    int telemetryMetrics() {
        return telemetryMetrics;
    }

    // ---- telemetry -----------------------------------------------------------------------------------------------------------

    /** The framed value of telemetry event {@code p}, content {@code variant} (0 = the event, 1 = a payload-mismatch reuse). */
    byte[] telemetry(EventPlan p, int variant, int attempt, long sentAt) {
        return telemetryWithMetrics(p, variant, attempt, sentAt, telemetryMetrics);
    }

    TelemetryEvent telemetryRecord(EventPlan p, int variant, int attempt, long sentAt, int metricCount) {
        SplittableRandom r = content(p, variant);
        int t = r.nextInt(100);
        TelemetryType type = t < 70 ? TelemetryType.METRICS : t < 85 ? TelemetryType.HEARTBEAT : t < 95 ? TelemetryType.USAGE : TelemetryType.ALERT;
        Map<String, Double> metrics = new LinkedHashMap<>(metricCount * 2);
        for (int i = 0; i < metricCount; i++) {
            String name = i < METRICS.length ? METRICS[i] : "sensor." + i;
            metrics.put(name, Math.round(r.nextDouble() * 1_000_000) / 100.0);
        }
        Map<String, String> labels = new LinkedHashMap<>(8);
        labels.put("region", REGIONS[r.nextInt(REGIONS.length)]);
        labels.put("firmware", "4." + r.nextInt(10) + "." + r.nextInt(40));
        labels.put(LoadgenMarkers.LABEL_SEQ, Long.toString(p.seq));
        labels.put(LoadgenMarkers.LABEL_RUN, runId);
        if (variant != 0) labels.put(LoadgenMarkers.LABEL_VARIANT, Integer.toString(variant));
        Long usage = type == TelemetryType.USAGE ? (Long) (1L + r.nextInt(10_000)) : null;
        return new TelemetryEvent(p.eventId, p.tenant, p.device, type, Instant.ofEpochMilli(p.occurredAt), metrics, labels, usage,
                attempt, Instant.ofEpochMilli(sentAt));
    }

    private byte[] telemetryWithMetrics(EventPlan p, int variant, int attempt, long sentAt, int metricCount) {
        TelemetryEvent e = telemetryRecord(p, variant, attempt, sentAt, metricCount);
        if (upgrade == null) return encodeTelemetry(e, telemetrySchemaId);
        frameStart(upgradedSchemaId);
        upgrade.write(e, out);
        return out.toByteArray();
    }

    /** From now on telemetry events (new ones and retries of earlier ones) are written under the newer schema, id {@code schemaId}. */
    void upgradeTelemetry(TelemetrySchemaUpgrade upgrade, int schemaId) {
        this.upgrade = upgrade;
        this.upgradedSchemaId = schemaId;
    }

    boolean telemetryUpgraded() {
        return upgrade != null;
    }

    byte[] encodeTelemetry(TelemetryEvent e, int schemaId) {
        frameStart(schemaId);
        try {
            telemetryWriter.write(e, encoder);
            encoder.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("encoding to memory failed", ex);
        }
        return out.toByteArray();
    }

    // ---- webhooks ------------------------------------------------------------------------------------------------------------

    /** The framed value of webhook {@code p}, content {@code variant} (0 = the event, 1 = a payload-mismatch reuse). */
    byte[] webhook(EventPlan p, int variant, int attempt, long sentAt) {
        return encodeWebhook(webhookRecord(p, variant, attempt, sentAt), webhookSchemaId);
    }

    WebhookEvent webhookRecord(EventPlan p, int variant, int attempt, long sentAt) {
        SplittableRandom r = content(p, variant);
        String provider = PROVIDERS[r.nextInt(PROVIDERS.length)];
        String[] types = switch (provider) {
            case "github" -> GITHUB_TYPES;
            case "shopify" -> SHOPIFY_TYPES;
            default -> STRIPE_TYPES;
        };
        String type = types[r.nextInt(types.length)];
        byte[] body = webhookBody(p, variant, provider, type, r);
        String signature = "t=" + sentAt / 1000 + ",v1=" + hex(p.contentSeed * 31 + attempt, sentAt) + hex(sentAt ^ p.contentSeed, attempt);
        return new WebhookEvent(p.eventId, p.tenant, provider, type, Instant.ofEpochMilli(p.occurredAt), "application/json",
                ByteBuffer.wrap(body), signature, attempt, Instant.ofEpochMilli(sentAt), objectId(p), objectVersion(variant));
    }

    byte[] encodeWebhook(WebhookEvent e, int schemaId) {
        frameStart(schemaId);
        try {
            webhookWriter.write(e, encoder);
            encoder.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("encoding to memory failed", ex);
        }
        return out.toByteArray();
    }

    /** The object a webhook updates: one per logical event (its stale update shares the content seed, so the object). */
    static String objectId(EventPlan p) {
        return "obj_" + Long.toHexString(p.contentSeed);
    }

    /** The object's version after the event: a stale update's is one lower than its logical event's. */
    static long objectVersion(int variant) {
        return variant == LoadgenMarkers.STALE_VARIANT ? 1 : 2;
    }

    /** A provider-style JSON body of about {@code webhookBodyBytes}, carrying the event's {@code seq} and the run id. */
    private byte[] webhookBody(EventPlan p, int variant, String provider, String type, SplittableRandom r) {
        StringBuilder b = json;
        b.setLength(0);
        long created = p.occurredAt / 1000;
        b.append("{\"id\":\"").append(p.eventId.isEmpty() ? "evt_" + alnum(r, 24) : p.eventId).append('"');
        b.append(",\"object\":\"event\",\"").append(LoadgenMarkers.JSON_SEQ).append("\":").append(p.seq);
        b.append(",\"").append(LoadgenMarkers.JSON_RUN).append("\":\"").append(runId).append('"');
        if (variant != 0) b.append(",\"").append(LoadgenMarkers.JSON_VARIANT).append("\":").append(variant);
        b.append(",\"provider\":\"").append(provider).append("\",\"api_version\":\"2024-06-20\",\"created\":").append(created);
        b.append(",\"type\":\"").append(type).append("\",\"livemode\":").append(r.nextInt(10) < 8);
        b.append(",\"pending_webhooks\":").append(1 + r.nextInt(3));
        b.append(",\"request\":{\"id\":\"req_").append(alnum(r, 14)).append("\",\"idempotency_key\":\"")
                .append(p.idempotencyKey == null ? uuid(r.nextLong(), r.nextLong()) : p.idempotencyKey).append("\"}");
        String currency = r.nextInt(4) == 0 ? "eur" : "usd";
        b.append(",\"data\":{\"object\":{\"id\":\"in_").append(alnum(r, 24)).append("\",\"object\":\"invoice\",\"customer\":\"cus_")
                .append(alnum(r, 14)).append("\",\"account\":\"").append(p.tenant).append("\",\"currency\":\"").append(currency)
                .append("\",\"status\":\"").append(type.contains("fail") ? "open" : "paid").append('"');
        b.append(",\"lines\":[");
        long total = 0;
        int closing = 120; // the totals and closing braces below
        for (int i = 0; i == 0 || b.length() + closing < webhookBodyBytes; i++) {
            if (i > 0) b.append(',');
            int qty = 1 + r.nextInt(5);
            long amount = (1 + r.nextInt(400)) * 100L - 1;
            total += qty * amount;
            b.append("{\"id\":\"il_").append(alnum(r, 24)).append("\",\"amount\":").append(amount).append(",\"quantity\":").append(qty)
                    .append(",\"description\":\"").append(ITEMS[r.nextInt(ITEMS.length)]).append("\",\"period\":{\"start\":")
                    .append(created - 2_592_000).append(",\"end\":").append(created).append("}}");
        }
        b.append("],\"amount_due\":").append(total).append(",\"amount_paid\":").append(type.contains("fail") ? 0 : total)
                .append(",\"attempt_count\":1,\"billing_reason\":\"subscription_cycle\"}}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------------

    private void frameStart(int schemaId) {
        out.reset();
        ConfluentWireFormat.writeHeader(out, schemaId);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    }

    private static SplittableRandom content(EventPlan p, int variant) {
        return new SplittableRandom(p.contentSeed + variant * VARIANT_STRIDE);
    }

    static String alnum(SplittableRandom r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = ALNUM[r.nextInt(ALNUM.length)];
        return new String(c);
    }

    /** A version-4-shaped UUID string from two random longs, without {@link java.util.UUID}'s formatting cost. */
    static String uuid(long hi, long lo) {
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        char[] c = new char[36];
        int j = 0;
        for (int i = 60; i >= 0; i -= 4) {
            if (j == 8 || j == 13 || j == 18) c[j++] = '-';
            c[j++] = HEX[(int) (hi >>> i) & 0xF];
        }
        c[j++] = '-';
        for (int i = 60; i >= 0; i -= 4) {
            if (j == 23) c[j++] = '-';
            c[j++] = HEX[(int) (lo >>> i) & 0xF];
        }
        return new String(c);
    }

    private static String hex(long a, long b) {
        long x = mix(a) ^ mix(b + VARIANT_STRIDE);
        char[] c = new char[16];
        for (int i = 0; i < 16; i++) c[i] = HEX[(int) (x >>> (60 - 4 * i)) & 0xF];
        return new String(c);
    }

    /** SplitMix64's finaliser: a strong 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
