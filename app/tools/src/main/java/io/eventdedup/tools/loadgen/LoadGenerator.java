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
 *   <li><b>stale updates</b> ({@link LoadProfile#staleShare()}): an older version of a webhook's object arrives after it, with
 *       another key, on the same partition and a key of the same partition of the repartition by key (see {@link EventPlanner});</li>
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
 * <p>Late retries with {@link LoadProfile#lateRetryDelay()} 0 form a <em>late tail</em>: {@link #generate()} holds them back and
 * {@link #sendLateTail}, called later (once the gate has processed the first deliveries and more than the TTL has passed by its
 * clock), sends them all at once, each its first delivery's payload again as one more attempt. The gate judges a delivery's age by
 * its own clock, so only a retry sent after it processed the first delivery is late by it, however the input was paced.
 *
 * <p>One run per instance; {@link #generate()} runs on the caller's thread. {@link #stop()}, {@link #eventsSent()} and
 * {@link #recordsSent()} may be called from any thread.
 */
public final class LoadGenerator {
    public static final String DEFAULT_TELEMETRY_TOPIC = EventSource.TELEMETRY.defaultInputTopic();
    public static final String DEFAULT_WEBHOOKS_TOPIC = EventSource.WEBHOOKS.defaultInputTopic();

    private final LoadProfile profile;
    private final SchemaRegistry registry;
    private Producer<byte[], byte[]> producer;
    private final EnumMap<EventSource, String> topics = new EnumMap<>(EventSource.class);
    private final LoadClock clock;
    private final LongConsumer progress;
    private final long progressEvery;
    private final String runId;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile long eventsSent;
    private volatile long recordsSent;
    private Run run;

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
        run = new Run();
        return run.execute();
    }

    /** Late retries {@link #generate()} held back for the late tail (none unless the profile's lateRetryDelay is 0). */
    public int lateTailSize() {
        return run == null ? 0 : run.lateTail.size();
    }

    /**
     * Sends the late tail now: the held late retries of the events that got one, in the order of their first deliveries, each its
     * first delivery's payload again (one attempt more than its last retry); flushes the producer and returns the ledger of the whole
     * run, the late retries included. Call once, after {@link #generate()}, on the same thread.
     *
     * @param producer sends the tail from now on (the one {@link #generate()} used may be closed by then); the caller keeps ownership
     *
     * @throws LoadGenerationException when the producer reported failed sends
     * @throws IllegalStateException   before {@link #generate()}, or called twice
     */
    public LoadLedger sendLateTail(Producer<byte[], byte[]> producer) {
        if (run == null) throw new IllegalStateException("sendLateTail() comes after generate()");
        this.producer = Objects.requireNonNull(producer, "producer");
        return run.sendLateTail();
    }

    // =========================================================================================================================

    /** What a sent record was, for the ledger and for replays. */
    private record Tag(int type, EventSource source, long seq, MalformedKind kind) {
        static final int ORIGINAL = 0, MISMATCH = 1, MALFORMED = 2, STALE = 3;
    }

    /** A record as sent, kept for verbatim replays. */
    private record Sent(String topic, int partition, byte[] key, byte[] value, Header[] headers, Tag tag) {}

    /** A redelivery of an event, due at a time; {@code order} keeps redeliveries due at the same time in the order they were planned. */
    private record Pending(long due, long order, EventPlan plan, int retry) {
        /** {@code retry}: index into the plan's retries; this value for the payload-mismatch delivery. */
        static final int MISMATCH = -1;
        /** {@code retry}: this value for the stale update. */
        static final int STALE = -2;
        /** {@code retry} of the late retry: the same payload, past the TTL. */
        static final int LATE = -3;
    }

    private sealed interface Outgoing permits First, Malformed, ReplayBatch, Resend {}

    private record First(EventPlan plan) implements Outgoing {}

    private record Malformed(EventSource source, MalformedKind kind, long seed) implements Outgoing {}

    private record ReplayBatch() implements Outgoing {}

    private record Resend(Sent sent) implements Outgoing {}

    /** The redeliveries planned and not yet due, earliest first. */
    private static final class Redeliveries {
        /** Late retries with delay 0, held for {@link #sendLateTail}, in planning order. */
        final List<EventPlan> lateTail = new java.util.ArrayList<>();
        private final PriorityQueue<Pending> queue =
                new PriorityQueue<>((a, b) -> a.due() != b.due() ? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()));
        private long order;

        /** Every retry and the key reuse of an event whose first delivery was sent at {@code sentAt}. */
        void planAll(EventPlan p, long sentAt) {
            for (int i = 0; i < p.retryOffsets.length; i++) queue.add(new Pending(sentAt + p.retryOffsets[i], order++, p, i));
            if (p.mismatchOffset >= 0) queue.add(new Pending(sentAt + p.mismatchOffset, order++, p, Pending.MISMATCH));
            if (p.staleOffset >= 0) queue.add(new Pending(sentAt + p.staleOffset, order++, p, Pending.STALE));
            if (p.lateRetryOffset == 0) lateTail.add(p);
            else if (p.lateRetryOffset > 0) queue.add(new Pending(sentAt + p.lateRetryOffset, order++, p, Pending.LATE));
        }

        Pending next() {
            return queue.peek();
        }

        void remove() {
            queue.poll();
        }

        boolean isEmpty() {
            return queue.isEmpty();
        }
    }

    /** The last records sent, for replays: a ring of the profile's replay batch size (empty when the profile has no replays). */
    private static final class ReplayRing {
        private final Sent[] ring;
        private int size;
        private int next;

        ReplayRing(int capacity) {
            ring = new Sent[capacity];
        }

        void remember(String topic, int partition, byte[] key, byte[] value, Headers headers, Tag tag) {
            if (ring.length == 0) return;
            ring[next] = new Sent(topic, partition, key, value, headers.toArray(), tag);
            next = (next + 1) % ring.length;
            size++;
        }

        /** Puts the remembered records at the head of {@code queue}, oldest first, ahead of everything queued; false when there are none. */
        boolean pushOnto(ArrayDeque<Outgoing> queue) {
            int n = Math.min(size, ring.length);
            for (int i = 0; i < n; i++) queue.addFirst(new Resend(ring[Math.floorMod(next - 1 - i, ring.length)]));
            return n > 0;
        }
    }

    /** Hands records to the producer without waiting, remembers them for replays, and counts what the producer reports failed. */
    private final class Sender implements Callback {
        private final ReplayRing ring;
        private final AtomicLong failures = new AtomicLong();
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private long sent;

        Sender(ReplayRing ring) {
            this.ring = ring;
        }

        void send(EventSource source, int partition, long timestamp, byte[] key, byte[] value, Headers headers, Tag tag) {
            send(topics.get(source), partition, timestamp, key, value, headers, tag);
        }

        void send(String topic, int partition, long timestamp, byte[] key, byte[] value, Headers headers, Tag tag) {
            producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, headers), this);
            ring.remember(topic, partition, key, value, headers, tag);
            sent++;
            recordsSent = sent;
        }

        long sent() {
            return sent;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        }

        /** @throws LoadGenerationException when the producer reported any failed send */
        void throwIfAnyFailed(LoadLedger ledger) {
            if (failures.get() > 0) {
                throw new LoadGenerationException(failures.get() + " of " + sent + " records could not be sent; first failure: "
                        + firstFailure.get(), firstFailure.get(), ledger);
            }
        }
    }

    /** The values of malformed records: broken on purpose, each in the way its {@link MalformedKind} names. */
    private static final class MalformedValues {
        private final Payloads payloads;
        private final int unknownSchemaId;

        MalformedValues(Payloads payloads, int unknownSchemaId) {
            this.payloads = payloads;
            this.unknownSchemaId = unknownSchemaId;
        }

        byte[] value(MalformedKind kind, SplittableRandom r, EventPlan base, long now) {
            return switch (kind) {
                case UNDECODABLE_BYTES -> undecodable(r, base, now);
                case TRUNCATED_AVRO -> {
                    byte[] valid = valueOf(payloads, base, 0, 1, now);
                    yield Arrays.copyOf(valid, 6 + r.nextInt(valid.length - 6)); // the header and part of the body, never all of it
                }
                case UNKNOWN_SCHEMA_ID -> {
                    byte[] v = valueOf(payloads, base, 0, 1, now);
                    v[1] = (byte) (unknownSchemaId >>> 24);
                    v[2] = (byte) (unknownSchemaId >>> 16);
                    v[3] = (byte) (unknownSchemaId >>> 8);
                    v[4] = (byte) unknownSchemaId;
                    yield v;
                }
                case MISSING_TENANT, WEBHOOK_WITHOUT_KEY -> valueOf(payloads, base, 0, 1, now);
            };
        }

        /** A JSON rendering of the event sent to an Avro topic by a misconfigured producer, or random bytes. */
        private static byte[] undecodable(SplittableRandom r, EventPlan base, long now) {
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
    }

    /** One delivery's value: the event's payload, {@code variant} 1 for the payload of a reused key, with its attempt number. */
    private static byte[] valueOf(Payloads payloads, EventPlan p, int variant, int attempt, long now) {
        return p.source == EventSource.TELEMETRY ? payloads.telemetry(p, variant, attempt, now) : payloads.webhook(p, variant, attempt, now);
    }

    /**
     * One execution of the workload: decides what to send next (a queued record, a redelivery that is due, or a new event), paces
     * it to the profile's rate, and records every send in the ledger.
     */
    private final class Run {
        private final SplittableRandom stream = new SplittableRandom(profile.seed());
        private final RetryStorms storms = new RetryStorms(profile);
        private final double replayProbability;
        private final EventPlanner planner;
        private final Payloads payloads;
        private final MalformedValues malformedValues;
        private final Sender sender;
        private final ArrayDeque<Outgoing> immediate = new ArrayDeque<>();
        private final Redeliveries redeliveries = new Redeliveries();
        private final List<EventPlan> lateTail = redeliveries.lateTail;
        private boolean tailSent;
        private boolean early;
        private final long start;
        private final LoadLedger.Recorder recorder;
        private long nextSeq;
        private long events;

        Run() {
            boolean replays = profile.duplicateRatio() > 0 && profile.replayShare() > 0;
            sender = new Sender(new ReplayRing(replays ? profile.replayBatchSize() : 0));
            replayProbability = replays ? profile.duplicateRatio() * profile.replayShare() / profile.replayBatchSize() : 0;
            EnumMap<EventSource, Integer> partitions = new EnumMap<>(EventSource.class);
            EnumMap<EventSource, Integer> schemaIds = new EnumMap<>(EventSource.class);
            for (EventSource s : EventSource.values()) {
                String topic = topics.get(s);
                Schema schema = s == EventSource.TELEMETRY ? Schema.TELEMETRY : Schema.WEBHOOK;
                schemaIds.put(s, registry.register(SchemaRegistry.valueSubject(topic), schema.avro()));
                List<PartitionInfo> infos = producer.partitionsFor(topic);
                partitions.put(s, infos == null || infos.isEmpty() ? 1 : infos.size());
            }
            planner = new EventPlanner(profile, partitions, storms);
            int unknownSchemaId = profile.malformedShare() > 0 ? unusedSchemaId() : 0;
            payloads = new Payloads(runId, schemaIds.get(EventSource.TELEMETRY), schemaIds.get(EventSource.WEBHOOKS),
                    profile.telemetryPayloadBytes(), profile.webhookBodyBytes());
            malformedValues = new MalformedValues(payloads, unknownSchemaId);
            start = clock.millis();
            recorder = new LoadLedger.Recorder(runId, profile, topics, Instant.ofEpochMilli(start));
        }

        LoadLedger execute() {
            boolean interrupted = false;
            try {
                sendAll();
            } catch (InterruptedException e) {
                interrupted = true;
            }
            return finish(interrupted);
        }

        private void sendAll() throws InterruptedException {
            while (!stopRequested) {
                long now = clock.millis();
                if (waitedForRate(now)) continue;
                if (!sendNext(now)) return;
            }
        }

        /** With a rate: waits for the next record's slot if it has not come yet; true when it waited (the time has moved on). */
        private boolean waitedForRate(long now) throws InterruptedException {
            double rate = profile.ratePerSecond();
            if (rate <= 0) return false;
            long slot = start + (long) (sender.sent() * 1000.0 / rate);
            if (now >= slot) return false;
            clock.sleepUntil(slot);
            return true;
        }

        /**
         * Sends what comes next: a queued record first, then a redelivery that is due, then a new event; with nothing else left, waits
         * for the next redelivery. False when everything has been sent.
         */
        private boolean sendNext(long now) throws InterruptedException {
            Outgoing o = immediate.pollFirst();
            if (o != null) {
                emit(o, now);
                return true;
            }
            Pending p = redeliveries.next();
            if (p != null && p.due() <= now) {
                redeliveries.remove();
                emitRedelivery(p, now);
                return true;
            }
            if (nextSeq < profile.events()) {
                newEvent(nextSeq++);
                return true;
            }
            if (p == null) return false;
            clock.sleepUntil(p.due());
            return true;
        }

        private LoadLedger finish(boolean interrupted) {
            early = nextSeq < profile.events() || !redeliveries.isEmpty() || !immediate.isEmpty();
            producer.flush();
            if (progress != null) progress.accept(events);
            if (interrupted) Thread.currentThread().interrupt();
            LoadLedger ledger = recorder.finish(Instant.ofEpochMilli(clock.millis()), early);
            sender.throwIfAnyFailed(ledger);
            return ledger;
        }

        LoadLedger sendLateTail() {
            if (tailSent) throw new IllegalStateException("the late tail was sent already");
            tailSent = true;
            for (EventPlan p : lateTail) sendLateRetry(p, clock.millis());
            producer.flush();
            LoadLedger ledger = recorder.finish(Instant.ofEpochMilli(clock.millis()), early);
            sender.throwIfAnyFailed(ledger);
            return ledger;
        }

        // ---- planning ------------------------------------------------------------------------------------------------------

        /** Queues event {@code seq}'s first delivery, and after it, as drawn, a malformed record and a replay of the last records. */
        private void newEvent(long seq) {
            if (profile.schemaUpgrade() && seq == profile.events() / 2) upgradeTelemetrySchema();
            storms.enter(seq, stream);
            EventSource source = stream.nextDouble() < profile.webhookShare() ? EventSource.WEBHOOKS : EventSource.TELEMETRY;
            boolean malformed = stream.nextDouble() < profile.malformedShare();
            long malformedSeed = stream.nextLong();
            boolean replay = stream.nextDouble() < replayProbability;

            immediate.addLast(new First(planner.plan(seq, source)));
            if (malformed) immediate.addLast(malformed(malformedSeed));
            if (replay) immediate.addLast(new ReplayBatch());
        }

        /** The telemetry producer moves to the newer compatible schema, registered under the same subject (a new id). */
        private void upgradeTelemetrySchema() {
            TelemetrySchemaUpgrade upgrade = new TelemetrySchemaUpgrade();
            int id = registry.register(SchemaRegistry.valueSubject(topics.get(EventSource.TELEMETRY)), upgrade.schema());
            payloads.upgradeTelemetry(upgrade, id);
            recorder.schemaUpgraded();
        }

        private Malformed malformed(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            MalformedKind kind = MalformedKind.values()[r.nextInt(MalformedKind.values().length)];
            EventSource on = kind == MalformedKind.WEBHOOK_WITHOUT_KEY ? EventSource.WEBHOOKS
                    : r.nextDouble() < profile.webhookShare() ? EventSource.WEBHOOKS : EventSource.TELEMETRY;
            return new Malformed(on, kind, r.nextLong());
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
            p.firstUnderOlderSchema = profile.schemaUpgrade() && p.source == EventSource.TELEMETRY && !payloads.telemetryUpgraded();
            sender.send(p.source, p.partition, now, p.recordKey, valueOf(payloads, p, 0, 1, now), p.headers(), new Tag(Tag.ORIGINAL, p.source, p.seq, null));
            recorder.original(p.source, p.seq, Delivery.FIRST, false, p.recordKey == null);
            recorder.eventTraits(p.fingerprintKeyed(), p.idempotencyKey != null, p.tenantHeader);
            redeliveries.planAll(p, now);
            events++;
            eventsSent = events;
            if (progress != null && events % progressEvery == 0) progress.accept(events);
        }

        private void emitRedelivery(Pending d, long now) {
            EventPlan p = d.plan();
            if (d.retry() == Pending.MISMATCH) {
                // Same key, tenant and partition as the first delivery (sent before this on that partition), different content.
                sender.send(p.source, p.partition, now, p.recordKey, valueOf(payloads, p, 1, 1, now), p.headers(), new Tag(Tag.MISMATCH, p.source, p.seq, null));
                recorder.mismatch(p.source, p.seq, false, p.recordKey == null);
            } else if (d.retry() == Pending.STALE) {
                sendStaleUpdate(p, now);
            } else if (d.retry() == Pending.LATE) {
                sendLateRetry(p, now);
                return;
            } else {
                int partition = p.retryPartitions[d.retry()];
                sender.send(p.source, partition, now, p.recordKey, valueOf(payloads, p, 0, d.retry() + 2, now), p.headers(), new Tag(Tag.ORIGINAL, p.source, p.seq, null));
                recorder.original(p.source, p.seq, Delivery.RETRY, partition != p.partition, p.recordKey == null);
            }
            if (p.firstUnderOlderSchema && payloads.telemetryUpgraded() && d.retry() != Pending.MISMATCH) recorder.retryAcrossSchemaUpgrade();
        }

        /** The late retry of {@code p}: its payload again, one attempt more than its last retry, on its first delivery's partition. */
        private void sendLateRetry(EventPlan p, long now) {
            sender.send(p.source, p.partition, now, p.recordKey, valueOf(payloads, p, 0, p.retryOffsets.length + 2, now), p.headers(),
                    new Tag(Tag.ORIGINAL, p.source, p.seq, null));
            recorder.lateRetry(p.source, p.seq, p.recordKey == null);
            if (p.firstUnderOlderSchema && payloads.telemetryUpgraded()) recorder.retryAcrossSchemaUpgrade();
        }

        /** The older update of the event's object: its first delivery's partition, sent after it, another key. */
        private void sendStaleUpdate(EventPlan p, long now) {
            EventPlan s = p.staleUpdate;
            s.occurredAt = p.occurredAt - 1;
            sender.send(p.source, s.partition, now, s.recordKey, payloads.webhook(s, LoadgenMarkers.STALE_VARIANT, 1, now), s.headers(),
                    new Tag(Tag.STALE, p.source, p.seq, null));
            recorder.stale(p.source, p.seq, false, s.recordKey == null);
        }

        private void sendMalformed(Malformed m, long now) {
            SplittableRandom r = new SplittableRandom(m.seed());
            EventSource s = m.source();
            EventPlan base = planner.malformedBase(r, s, m.kind() != MalformedKind.MISSING_TENANT);
            if (m.kind() == MalformedKind.WEBHOOK_WITHOUT_KEY) {
                base = new EventPlan(base.seq, s, base.tenant, "", null, base.tenantHeader, base.device, base.recordKey, base.contentSeed);
            }
            base.occurredAt = now - base.occurredAt;
            byte[] value = malformedValues.value(m.kind(), r, base, now);
            int partition = r.nextInt(planner.partitions(s));
            sender.send(s, partition, now, base.recordKey, value, base.headers(), new Tag(Tag.MALFORMED, s, LoadgenMarkers.NO_SEQ, m.kind()));
            recorder.malformed(s, m.kind(), false, base.recordKey == null);
        }

        private void replay() {
            if (sender.ring.pushOnto(immediate)) recorder.replayBatch();
        }

        private void resend(Sent s, long now) {
            Tag t = s.tag();
            sender.send(s.topic(), s.partition(), now, s.key(), s.value(), new RecordHeaders(s.headers()), t);
            boolean nullKey = s.key() == null;
            switch (t.type()) {
                case Tag.ORIGINAL -> recorder.original(t.source(), t.seq(), Delivery.REPLAY, false, nullKey);
                case Tag.MISMATCH -> recorder.mismatch(t.source(), t.seq(), true, nullKey);
                case Tag.STALE -> recorder.stale(t.source(), t.seq(), true, nullKey);
                default -> recorder.malformed(t.source(), t.kind(), true, nullKey);
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
