package io.eventdedup.tools.loadgen;

import io.eventdedup.tools.loadgen.LoadLedger.Delivery;
import io.eventdedup.registry.SchemaNotFoundException;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Sends a realistic at-least-once workload to the telemetry and webhooks input topics and returns the {@link LoadLedger} of what
 * it sent. It models real senders:
 * <ul>
 *   <li><b>retry storms</b>: senders retry with exponential backoff and jitter; retries come in bursts (in one block of 200
 *       events out of every 5 the receiver struggles and 16 times as many events are retried as in the others), and every retry
 *       of an event follows its first
 *       delivery within {@link LoadProfile#retryHorizon()} (3.72 s by default) of event time, far inside the TTLs;</li>
 *   <li><b>cross-partition redeliveries</b>: a share of retries is sent, with an explicit partition, to another partition than the
 *       first delivery;</li>
 *   <li><b>replays</b>: an upstream component re-sends the last N records verbatim (same partition, key, value and headers);</li>
 *   <li><b>key reuse</b>: a sender reuses an event's key for a different payload (PAYLOAD_MISMATCH), on the first delivery's
 *       partition and after it, so that the app is bound to see the original first;</li>
 *   <li>telemetry events with no idempotency key (fingerprint-keyed), records with no Kafka key, {@code Idempotency-Key} and
 *       {@code X-Tenant-Id} headers on a share, Zipf-skewed tenants, and malformed records of every {@link MalformedKind}.</li>
 * </ul>
 * Record timestamps are the send time ({@link LoadClock#millis()}): with a rate the run spans real time; at rate 0 records go out
 * as fast as the producer takes them, and the retries still due when the last new event has been sent follow in real time (at most
 * the retry horizon later).
 *
 * <p>Throughput: one encoder and buffer per run, the schema ids resolved once, sends never wait for acknowledgements (failures are
 * counted by a callback and reported at the end); use {@link #producerConfig} for batching. The producer must keep per-partition
 * order (the default {@code enable.idempotence=true} does): the payload-mismatch guarantee above relies on it.
 *
 * <p>Determinism: the logical events, their keys, payloads and redelivery plans are a function of the seed. With a deterministic
 * {@link LoadClock} the whole record sequence is; with the wall clock, the interleaving of retries (and so what a replay repeats)
 * depends on timing, while the ledger stays exact either way.
 *
 * <p>One run per instance; {@link #generate()} runs on the caller's thread. {@link #stop()}, {@link #eventsSent()} and
 * {@link #recordsSent()} may be called from any thread.
 */
public final class LoadGenerator {
    public static final String DEFAULT_TELEMETRY_TOPIC = EventSource.TELEMETRY.defaultInputTopic();
    public static final String DEFAULT_WEBHOOKS_TOPIC = EventSource.WEBHOOKS.defaultInputTopic();

    /** Events per storm block: the retry intensity changes from block to block. */
    static final int STORM_BLOCK = 200;
    /** One block in every group of this many, at a random place in the group, is a retry storm. */
    static final int STORM_GROUP = 5;
    /** In a storm block 4 times the mean share of events is retried, in the others a quarter of it: (4 + 4 · 1/4) / 5 = 1. */
    static final double STORM_INTENSITY = 4.0;

    private final LoadProfile profile;
    private final SchemaRegistry registry;
    private final Producer<byte[], byte[]> producer;
    private final EnumMap<EventSource, String> topics = new EnumMap<>(EventSource.class);
    private final LoadClock clock;
    private final LongConsumer progress;
    private final long progressEvery;
    private final String runId;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile long eventsSent;
    private volatile long recordsSent;

    private LoadGenerator(Builder b) {
        this.profile = b.profile;
        this.registry = b.registry;
        this.producer = b.producer;
        this.topics.put(EventSource.TELEMETRY, b.telemetryTopic);
        this.topics.put(EventSource.WEBHOOKS, b.webhooksTopic);
        this.clock = b.clock;
        this.progress = b.progress;
        this.progressEvery = b.progressEvery > 0 ? b.progressEvery : Math.max(1, Math.min(10_000, profile.events() / 100));
        this.runId = runId(profile.seed());
    }

    /**
     * @param registry where the generator registers {@code TelemetryEvent} under {@code <telemetry topic>-value} and
     *                 {@code WebhookEvent} under {@code <webhooks topic>-value}; the app must read the same registry
     * @param producer a {@code byte[]} producer; the caller keeps ownership (the generator flushes it, never closes it)
     */
    public static Builder builder(LoadProfile profile, SchemaRegistry registry, Producer<byte[], byte[]> producer) {
        return new Builder(profile, registry, producer);
    }

    /**
     * Producer settings for a fast, ordered load: idempotent, acks=all, lz4, 20 ms linger and 256 KiB batches, byte-array
     * serialisers. Add security settings to the returned map as needed.
     */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "event-dedup-loadgen");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        c.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return c;
    }

    /** The run id a seed gives: written into every payload so that the reconciler can tell this run's events from others'. */
    public static String runId(long seed) {
        return String.format("%08x", (int) Payloads.mix(seed ^ 0x6C6F616467656EL));
    }

    /** This run's id: {@link #runId(long)} of the profile's seed. */
    public String runId() {
        return runId;
    }

    /** Asks a running {@link #generate()} to stop after the record in hand; it then returns the ledger of what was sent. */
    public void stop() {
        stopRequested = true;
    }

    /** Logical events whose first delivery has been sent so far. */
    public long eventsSent() {
        return eventsSent;
    }

    /** Records handed to the producer so far. */
    public long recordsSent() {
        return recordsSent;
    }

    /**
     * Sends the whole workload, flushes the producer and returns the ledger. Returns early, with the ledger of what was sent, after
     * {@link #stop()} or an interrupt (the interrupt flag is then set again).
     *
     * @throws LoadGenerationException when the producer reported failed sends; its ledger counts them as sent
     * @throws IllegalStateException   when called twice
     */
    public LoadLedger generate() {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("a LoadGenerator runs once");
        return new Run().execute();
    }

    // =========================================================================================================================

    /** What a sent record was, for the ledger and for replays. */
    private record Tag(int type, EventSource source, long seq, MalformedKind kind) {
        static final int ORIGINAL = 0, MISMATCH = 1, MALFORMED = 2;
    }

    /** A record as sent, kept for verbatim replays. */
    private record Sent(String topic, int partition, byte[] key, byte[] value, Header[] headers, Tag tag) {}

    private static final class Pending {
        final long due;
        final long order;
        final EventPlan plan;
        /** Index into the plan's retries; -1 for the payload-mismatch delivery. */
        final int retry;

        Pending(long due, long order, EventPlan plan, int retry) {
            this.due = due;
            this.order = order;
            this.plan = plan;
            this.retry = retry;
        }
    }

    private sealed interface Outgoing permits First, Malformed, ReplayBatch, Resend {}

    private record First(EventPlan plan) implements Outgoing {}

    private record Malformed(EventSource source, MalformedKind kind, long seed) implements Outgoing {}

    private record ReplayBatch() implements Outgoing {}

    private record Resend(Sent sent) implements Outgoing {}

    /** One execution of the workload. */
    private final class Run implements Callback {
        private final SplittableRandom stream = new SplittableRandom(profile.seed());
        private final Zipf zipf = new Zipf(profile.tenants(), profile.tenantSkew());
        private final String[] tenantNames = new String[profile.tenants()];
        private final EnumMap<EventSource, Integer> partitions = new EnumMap<>(EventSource.class);
        private final EnumMap<EventSource, Integer> schemaIds = new EnumMap<>(EventSource.class);
        private final ArrayDeque<Outgoing> immediate = new ArrayDeque<>();
        private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
        private final Sent[] ring;
        private final double meanRetriesPerRetriedEvent;
        private final double replayProbability;
        private final long retryHorizon = profile.retryHorizon().toMillis();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private Payloads payloads;
        private LoadLedger.Recorder recorder;
        private int unknownSchemaId;
        private int ringSize;
        private int ringNext;
        private long order;
        private long sent;
        private long events;
        private final double stormRetryProbability;
        private final double calmRetryProbability;
        private double retryProbability;
        private long stormBlock;

        Run() {
            int digits = Math.max(4, Integer.toString(profile.tenants()).length());
            for (int i = 0; i < tenantNames.length; i++) tenantNames[i] = "tenant-" + pad(i + 1, digits);
            meanRetriesPerRetriedEvent = LoadProfile.meanRetriesOfARetriedEvent(profile.maxRetries());
            // The share of events retried, on average, for the profile's retries per event; storms get up to 4 times that and
            // calm blocks the rest, so that the mean holds even when a storm retries every event.
            double retried = meanRetriesPerRetriedEvent == 0 ? 0
                    : profile.duplicateRatio() * (1 - profile.replayShare()) / meanRetriesPerRetriedEvent;
            stormRetryProbability = Math.min(1, STORM_INTENSITY * retried);
            calmRetryProbability = Math.min(1, Math.max(0, (STORM_GROUP * retried - stormRetryProbability) / (STORM_GROUP - 1)));
            boolean replays = profile.duplicateRatio() > 0 && profile.replayShare() > 0;
            ring = new Sent[replays ? profile.replayBatchSize() : 0];
            replayProbability = replays ? profile.duplicateRatio() * profile.replayShare() / profile.replayBatchSize() : 0;
        }

        LoadLedger execute() {
            for (EventSource s : EventSource.values()) {
                String topic = topics.get(s);
                Schema schema = s == EventSource.TELEMETRY ? Schema.TELEMETRY : Schema.WEBHOOK;
                schemaIds.put(s, registry.register(SchemaRegistry.valueSubject(topic), schema.avro()));
                List<PartitionInfo> infos = producer.partitionsFor(topic);
                partitions.put(s, infos == null || infos.isEmpty() ? 1 : infos.size());
            }
            if (profile.malformedShare() > 0) unknownSchemaId = unusedSchemaId();
            payloads = new Payloads(runId, schemaIds.get(EventSource.TELEMETRY), schemaIds.get(EventSource.WEBHOOKS),
                    profile.telemetryPayloadBytes(), profile.webhookBodyBytes());

            long start = clock.millis();
            recorder = new LoadLedger.Recorder(runId, profile, topics, Instant.ofEpochMilli(start));
            double rate = profile.ratePerSecond();
            long nextSeq = 0;
            boolean interrupted = false;
            try {
                while (!stopRequested) {
                    long now = clock.millis();
                    if (rate > 0) {
                        long slot = start + (long) (sent * 1000.0 / rate);
                        if (now < slot) {
                            clock.sleepUntil(slot);
                            continue;
                        }
                    }
                    Outgoing o = immediate.pollFirst();
                    if (o != null) {
                        emit(o, now);
                        continue;
                    }
                    Pending p = pending.peek();
                    if (p != null && p.due <= now) {
                        pending.poll();
                        emitPending(p, now);
                        continue;
                    }
                    if (nextSeq < profile.events()) {
                        newEvent(nextSeq++);
                        continue;
                    }
                    if (p == null) break;
                    clock.sleepUntil(p.due);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            boolean early = nextSeq < profile.events() || !pending.isEmpty() || !immediate.isEmpty();
            producer.flush();
            if (progress != null) progress.accept(events);
            if (interrupted) Thread.currentThread().interrupt();
            LoadLedger ledger = recorder.finish(Instant.ofEpochMilli(clock.millis()), early);
            if (failures.get() > 0) {
                throw new LoadGenerationException(failures.get() + " of " + sent + " records could not be sent; first failure: "
                        + firstFailure.get(), firstFailure.get(), ledger);
            }
            return ledger;
        }

        // ---- planning ------------------------------------------------------------------------------------------------------

        private void newEvent(long seq) {
            if (seq % STORM_BLOCK == 0) {
                long block = seq / STORM_BLOCK;
                if (block % STORM_GROUP == 0) stormBlock = block + stream.nextInt(STORM_GROUP);
                retryProbability = block == stormBlock ? stormRetryProbability : calmRetryProbability;
            }
            EventSource source = stream.nextDouble() < profile.webhookShare() ? EventSource.WEBHOOKS : EventSource.TELEMETRY;
            boolean malformed = stream.nextDouble() < profile.malformedShare();
            long malformedSeed = stream.nextLong();
            boolean replay = stream.nextDouble() < replayProbability;

            immediate.addLast(new First(plan(seq, source)));
            if (malformed) {
                SplittableRandom r = new SplittableRandom(malformedSeed);
                MalformedKind kind = MalformedKind.values()[r.nextInt(MalformedKind.values().length)];
                EventSource on = kind == MalformedKind.WEBHOOK_WITHOUT_KEY ? EventSource.WEBHOOKS
                        : r.nextDouble() < profile.webhookShare() ? EventSource.WEBHOOKS : EventSource.TELEMETRY;
                immediate.addLast(new Malformed(on, kind, r.nextLong()));
            }
            if (replay) immediate.addLast(new ReplayBatch());
        }

        private EventPlan plan(long seq, EventSource source) {
            SplittableRandom r = new SplittableRandom(Payloads.mix(profile.seed() ^ Payloads.mix(seq + 1)));
            return plan(r, seq, source, true, true);
        }

        /** Draws an event's identity and, when {@code redeliveries}, its retry and key-reuse plan. */
        private EventPlan plan(SplittableRandom r, long seq, EventSource source, boolean withTenant, boolean redeliveries) {
            int tenantIndex = zipf.sample(r);
            String tenant = withTenant ? tenantNames[tenantIndex] : "";
            boolean tenantHeader = withTenant && r.nextDouble() < profile.tenantHeaderShare();
            boolean nullKey = r.nextDouble() < profile.nullRecordKeyShare();
            String eventId;
            String idempotencyKey = null;
            String device = null;
            byte[] recordKey;
            if (source == EventSource.TELEMETRY) {
                device = "dev-" + pad(tenantIndex + 1, 4) + "-" + pad(r.nextInt(64), 2);
                boolean noKey = r.nextDouble() < profile.noKeyShare();
                eventId = noKey ? "" : Payloads.uuid(r.nextLong(), r.nextLong());
                recordKey = nullKey ? null : device.getBytes(StandardCharsets.UTF_8);
            } else {
                eventId = "evt_" + Payloads.alnum(r, 24);
                if (r.nextDouble() < profile.idempotencyHeaderShare()) idempotencyKey = Payloads.uuid(r.nextLong(), r.nextLong());
                recordKey = nullKey ? null : eventId.getBytes(StandardCharsets.UTF_8);
            }
            EventPlan p = new EventPlan(seq, source, tenant, eventId, idempotencyKey, tenantHeader, device, recordKey, r.nextLong());
            int n = partitions.get(source);
            p.partition = recordKey != null ? Utils.toPositive(Utils.murmur2(recordKey)) % n : r.nextInt(n);
            p.occurredAt = source == EventSource.TELEMETRY ? r.nextInt(5_000) : r.nextInt(60_000); // a lag until the first send
            if (!redeliveries) return p;

            if (r.nextDouble() < retryProbability) {
                int k = 1;
                while (k < profile.maxRetries() && r.nextDouble() < 0.5) k++;
                p.retryOffsets = new long[k];
                p.retryPartitions = new int[k];
                double backoff = profile.retryInitialBackoff().toMillis();
                double at = 0;
                for (int i = 0; i < k; i++) {
                    at += backoff * (1 + profile.retryJitter() * r.nextDouble());
                    backoff *= profile.retryMultiplier();
                    p.retryOffsets[i] = Math.max(1, Math.min(retryHorizon, Math.round(at)));
                    boolean cross = n > 1 && r.nextDouble() < profile.crossPartitionShare();
                    p.retryPartitions[i] = cross ? (p.partition + 1 + r.nextInt(n - 1)) % n : p.partition;
                }
            }
            if (!p.fingerprintKeyed() && r.nextDouble() < profile.mismatchShare()) {
                p.mismatchOffset = 20 + r.nextLong(Math.max(500, retryHorizon));
            }
            return p;
        }

        // ---- sending -------------------------------------------------------------------------------------------------------

        private void emit(Outgoing o, long now) {
            if (o instanceof First f) sendFirst(f.plan(), now);
            else if (o instanceof Malformed m) sendMalformed(m, now);
            else if (o instanceof Resend r) resend(r.sent(), now);
            else replay();
        }

        private void sendFirst(EventPlan p, long now) {
            p.occurredAt = now - p.occurredAt;
            send(p.source, p.partition, now, p.recordKey, value(p, 0, 1, now), p.headers(), new Tag(Tag.ORIGINAL, p.source, p.seq, null));
            recorder.original(p.source, p.seq, Delivery.FIRST, false, p.recordKey == null);
            recorder.eventTraits(p.fingerprintKeyed(), p.idempotencyKey != null, p.tenantHeader);
            for (int i = 0; i < p.retryOffsets.length; i++) pending.add(new Pending(now + p.retryOffsets[i], order++, p, i));
            if (p.mismatchOffset >= 0) pending.add(new Pending(now + p.mismatchOffset, order++, p, -1));
            events++;
            eventsSent = events;
            if (progress != null && events % progressEvery == 0) progress.accept(events);
        }

        private void emitPending(Pending d, long now) {
            EventPlan p = d.plan;
            if (d.retry < 0) {
                // Same key, tenant and partition as the first delivery (sent before this on that partition), different content.
                send(p.source, p.partition, now, p.recordKey, value(p, 1, 1, now), p.headers(), new Tag(Tag.MISMATCH, p.source, p.seq, null));
                recorder.mismatch(p.source, p.seq, false, p.recordKey == null);
            } else {
                int partition = p.retryPartitions[d.retry];
                send(p.source, partition, now, p.recordKey, value(p, 0, d.retry + 2, now), p.headers(), new Tag(Tag.ORIGINAL, p.source, p.seq, null));
                recorder.original(p.source, p.seq, Delivery.RETRY, partition != p.partition, p.recordKey == null);
            }
        }

        private byte[] value(EventPlan p, int variant, int attempt, long now) {
            return p.source == EventSource.TELEMETRY ? payloads.telemetry(p, variant, attempt, now) : payloads.webhook(p, variant, attempt, now);
        }

        private void sendMalformed(Malformed m, long now) {
            SplittableRandom r = new SplittableRandom(m.seed());
            EventSource s = m.source();
            EventPlan base = plan(r, LoadgenMarkers.NO_SEQ, s, m.kind() != MalformedKind.MISSING_TENANT, false);
            if (m.kind() == MalformedKind.WEBHOOK_WITHOUT_KEY) {
                base = new EventPlan(base.seq, s, base.tenant, "", null, base.tenantHeader, base.device, base.recordKey, base.contentSeed);
            }
            base.occurredAt = now - base.occurredAt;
            byte[] value = switch (m.kind()) {
                case UNDECODABLE_BYTES -> undecodable(r, base, now);
                case TRUNCATED_AVRO -> {
                    byte[] valid = value(base, 0, 1, now);
                    yield Arrays.copyOf(valid, 6 + r.nextInt(valid.length - 6)); // the header and part of the body, never all of it
                }
                case UNKNOWN_SCHEMA_ID -> {
                    byte[] v = value(base, 0, 1, now);
                    v[1] = (byte) (unknownSchemaId >>> 24);
                    v[2] = (byte) (unknownSchemaId >>> 16);
                    v[3] = (byte) (unknownSchemaId >>> 8);
                    v[4] = (byte) unknownSchemaId;
                    yield v;
                }
                case MISSING_TENANT, WEBHOOK_WITHOUT_KEY -> value(base, 0, 1, now);
            };
            int partition = r.nextInt(partitions.get(s));
            send(s, partition, now, base.recordKey, value, base.headers(), new Tag(Tag.MALFORMED, s, LoadgenMarkers.NO_SEQ, m.kind()));
            recorder.malformed(s, m.kind(), false, base.recordKey == null);
        }

        /** A JSON rendering of the event sent to an Avro topic by a misconfigured producer, or random bytes. */
        private byte[] undecodable(SplittableRandom r, EventPlan base, long now) {
            if (r.nextBoolean()) {
                String json = "{\"event_id\":\"" + base.eventId + "\",\"tenant_id\":\"" + base.tenant + "\",\"sent_at\":" + now
                        + ",\"attempt\":1,\"note\":\"sent with the JSON serializer by mistake\"}";
                return json.getBytes(StandardCharsets.UTF_8);
            }
            byte[] junk = new byte[16 + r.nextInt(200)];
            for (int i = 0; i < junk.length; i++) junk[i] = (byte) r.nextInt(256);
            junk[0] = (byte) (1 + r.nextInt(255)); // never the wire format's magic byte 0
            return junk;
        }

        private void replay() {
            int n = Math.min(ringSize, ring.length);
            if (n == 0) return;
            recorder.replayBatch();
            // The last n records, oldest first, ahead of everything else queued.
            for (int i = 0; i < n; i++) {
                int idx = Math.floorMod(ringNext - 1 - i, ring.length);
                immediate.addFirst(new Resend(ring[idx]));
            }
        }

        private void resend(Sent s, long now) {
            Tag t = s.tag();
            send(s.topic(), s.partition(), now, s.key(), s.value(), new RecordHeaders(s.headers()), t);
            boolean nullKey = s.key() == null;
            switch (t.type()) {
                case Tag.ORIGINAL -> recorder.original(t.source(), t.seq(), Delivery.REPLAY, false, nullKey);
                case Tag.MISMATCH -> recorder.mismatch(t.source(), t.seq(), true, nullKey);
                default -> recorder.malformed(t.source(), t.kind(), true, nullKey);
            }
        }

        private void send(EventSource source, int partition, long timestamp, byte[] key, byte[] value, Headers headers, Tag tag) {
            send(topics.get(source), partition, timestamp, key, value, headers, tag);
        }

        private void send(String topic, int partition, long timestamp, byte[] key, byte[] value, Headers headers, Tag tag) {
            producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, headers), this);
            if (ring.length > 0) {
                ring[ringNext] = new Sent(topic, partition, key, value, headers.toArray(), tag);
                ringNext = (ringNext + 1) % ring.length;
                ringSize++;
            }
            sent++;
            recordsSent = sent;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        }

        private int unusedSchemaId() {
            int id = 0x7F00_0000 | (int) (Payloads.mix(profile.seed()) & 0xFFFF);
            for (int attempt = 0; attempt < 100; attempt++, id++) {
                try {
                    registry.schemaById(id);
                } catch (SchemaNotFoundException e) {
                    return id;
                }
            }
            throw new IllegalStateException("the schema registry has schemas under 100 consecutive ids from " + (id - 100)
                    + "; cannot pick an unknown schema id for malformed records");
        }
    }

    private static String pad(int v, int digits) {
        String s = Integer.toString(v);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    private enum Schema {
        TELEMETRY, WEBHOOK;

        org.apache.avro.Schema avro() {
            return this == TELEMETRY ? TelemetryEvent.getClassSchema() : WebhookEvent.getClassSchema();
        }
    }

    /** Builds a {@link LoadGenerator}. */
    public static final class Builder {
        private final LoadProfile profile;
        private final SchemaRegistry registry;
        private final Producer<byte[], byte[]> producer;
        private String telemetryTopic = DEFAULT_TELEMETRY_TOPIC;
        private String webhooksTopic = DEFAULT_WEBHOOKS_TOPIC;
        private LoadClock clock = LoadClock.system();
        private LongConsumer progress;
        private long progressEvery;

        private Builder(LoadProfile profile, SchemaRegistry registry, Producer<byte[], byte[]> producer) {
            this.profile = Objects.requireNonNull(profile, "profile");
            this.registry = Objects.requireNonNull(registry, "registry");
            this.producer = Objects.requireNonNull(producer, "producer");
        }

        public Builder telemetryTopic(String topic) {
            telemetryTopic = requireTopic(topic);
            return this;
        }

        public Builder webhooksTopic(String topic) {
            webhooksTopic = requireTopic(topic);
            return this;
        }

        public Builder clock(LoadClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Called on the generating thread with the number of logical events sent so far: every {@code every} events (default 1% of
         * the run, at most every 10,000) and once at the end. Keep it quick.
         */
        public Builder progress(LongConsumer progress, long every) {
            this.progress = progress;
            this.progressEvery = every;
            return this;
        }

        public Builder progress(LongConsumer progress) {
            return progress(progress, 0);
        }

        public LoadGenerator build() {
            if (telemetryTopic.equals(webhooksTopic)) throw new IllegalArgumentException("telemetry and webhooks need different topics");
            return new LoadGenerator(this);
        }

        private static String requireTopic(String topic) {
            if (topic == null || topic.isBlank()) throw new IllegalArgumentException("topic name is empty");
            return topic;
        }
    }
}
