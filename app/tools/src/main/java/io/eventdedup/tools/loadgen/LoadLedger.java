package io.eventdedup.tools.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractSet;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ground truth of one {@link LoadGenerator} run: every record it produced, what the app must make of each (docs/design.md §5), and the
 * logical events that must appear exactly once on the output topics. Immutable.
 *
 * <p>The expected outcomes follow from what was sent, in send order: the first delivery of a key is UNIQUE, a later delivery with
 * the same payload a DUPLICATE, a later delivery with a different payload a PAYLOAD_MISMATCH, a stale update (an older version of a
 * webhook's object, another key) STALE and a replay of it a DUPLICATE, a malformed record INVALID with the reason of its
 * {@link MalformedKind}. The generator sends in a way that makes these hold however the app interleaves input
 * partitions: every delivery of a key falls within a few seconds (far inside the TTL), and a payload-mismatch delivery goes to the
 * same partition as, and after, the first delivery of the key it reuses. A late retry (the same payload, sent
 * {@link LoadProfile#lateRetryDelay()} after the first delivery or in a late tail: past the TTL, inside the observation window) is
 * expected UNIQUE
 * again: forwarded a second time, marked {@code dedup.late-retry}, and counted apart ({@link #expectedLateRetries()}).
 */
public final class LoadLedger {
    /** How a valid record came to be sent. */
    enum Delivery { FIRST, RETRY, REPLAY }

    private final String runId;
    private final LoadProfile profile;
    private final Map<EventSource, String> inputTopics;
    private final Instant startedAt;
    private final Instant finishedAt;
    private final boolean stoppedEarly;
    private final long in;
    private final EnumMap<EventSource, long[]> perSource; // indexes: see Recorder.R_*
    private final EnumMap<EventSource, Map<String, Long>> invalidBySource;
    private final EnumMap<MalformedKind, Long> malformed;
    private final long[] deliveries; // indexes: see Recorder.D_*
    private final BitSet expected;
    private final BitSet webhooks;
    private final BitSet lateRetried;
    private final boolean schemaUpgraded;

    private LoadLedger(Recorder r, Instant finishedAt, boolean stoppedEarly) {
        this.runId = r.runId;
        this.profile = r.profile;
        this.inputTopics = Map.copyOf(r.inputTopics);
        this.startedAt = r.startedAt;
        this.finishedAt = finishedAt;
        this.stoppedEarly = stoppedEarly;
        this.in = r.in;
        this.perSource = new EnumMap<>(EventSource.class);
        this.invalidBySource = new EnumMap<>(EventSource.class);
        for (EventSource s : EventSource.values()) {
            perSource.put(s, r.perSource.get(s).clone());
            invalidBySource.put(s, Collections.unmodifiableMap(new TreeMap<>(r.invalidBySource.get(s))));
        }
        this.malformed = new EnumMap<>(r.malformed);
        this.deliveries = r.deliveries.clone();
        this.expected = (BitSet) r.firstSeen.clone();
        this.webhooks = (BitSet) r.webhooks.clone();
        this.lateRetried = (BitSet) r.lateRetried.clone();
        this.schemaUpgraded = r.schemaUpgraded;
    }

    /** Identifies the run in every payload ({@link LoadgenMarkers}); derived from the seed. */
    public String runId() {
        return runId;
    }

    public LoadProfile profile() {
        return profile;
    }

    /** Input topic each source's records were sent to. */
    public Map<EventSource, String> inputTopics() {
        return inputTopics;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Duration elapsed() {
        return Duration.between(startedAt, finishedAt);
    }

    /** True when {@link LoadGenerator#stop()} ended the run before every event and its redeliveries were sent. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    // ---- totals --------------------------------------------------------------------------------------------------------------

    /** Records produced in total, every kind: the {@code in} of {@code in = unique + duplicate + mismatch + stale + invalid}. */
    public long in() {
        return in;
    }

    /** Logical events sent (each at least once); each must appear exactly once on its output topic. */
    public long logicalEvents() {
        return expected.cardinality();
    }

    /** Records that decode and carry a key and a tenant: first deliveries, retries, replays of those, payload mismatches. */
    public long validDeliveries() {
        return sum(Recorder.R_VALID);
    }

    /** Output records expected: one per logical event, and one more per late retry. */
    public long expectedUnique() {
        return sum(Recorder.R_UNIQUE) + sum(Recorder.R_LATE);
    }

    /** Late retries sent: each is forwarded again (UNIQUE under the TTL contract) with the {@code dedup.late-retry} header. */
    public long expectedLateRetries() {
        return sum(Recorder.R_LATE);
    }

    public long expectedLateRetries(EventSource s) {
        return perSource.get(s)[Recorder.R_LATE];
    }

    /** When the late retries were sent: "in a late tail" (delay 0), else "after" their delay. */
    public String lateRetryTiming() {
        return profile.lateRetryDelay().isZero() ? "sent in a late tail" : "sent " + io.eventdedup.ttl.Durations.format(profile.lateRetryDelay())
                + " after their first delivery";
    }

    /** True when logical event {@code seq} had a late retry. */
    public boolean expectsLateRetry(long seq) {
        return seq >= 0 && seq <= Integer.MAX_VALUE && lateRetried.get((int) seq);
    }

    /** True when the telemetry producer moved to the newer schema during the run ({@link LoadProfile#schemaUpgrade()}). */
    public boolean schemaUpgraded() {
        return schemaUpgraded;
    }

    /** Retries (and late retries, and replays of either) written under the newer schema of events first sent under the older one. */
    public long retriesAcrossSchemaUpgrade() {
        return deliveries[Recorder.D_ACROSS_SCHEMA];
    }

    public long expectedDuplicates() {
        return sum(Recorder.R_DUPLICATE);
    }

    public long expectedMismatches() {
        return sum(Recorder.R_MISMATCH);
    }

    public long expectedInvalid() {
        return sum(Recorder.R_INVALID);
    }

    /** Stale updates sent (replays of them are duplicates). */
    public long expectedStale() {
        return sum(Recorder.R_STALE);
    }

    /** Expected invalid records by {@code dedup.reason}, over both sources. */
    public Map<String, Long> expectedInvalidByReason() {
        Map<String, Long> all = new TreeMap<>();
        invalidBySource.values().forEach(m -> m.forEach((k, v) -> all.merge(k, v, Long::sum)));
        return Collections.unmodifiableMap(all);
    }

    // ---- per source ----------------------------------------------------------------------------------------------------------

    /** Records sent to the source's input topic. */
    public long records(EventSource s) {
        return perSource.get(s)[Recorder.R_RECORDS];
    }

    public long validDeliveries(EventSource s) {
        return perSource.get(s)[Recorder.R_VALID];
    }

    /** Distinct valid dedup keys of the source: one per logical event, so also the source's expected unique count. */
    public long distinctKeys(EventSource s) {
        return perSource.get(s)[Recorder.R_UNIQUE];
    }

    public long expectedUnique(EventSource s) {
        return perSource.get(s)[Recorder.R_UNIQUE] + perSource.get(s)[Recorder.R_LATE];
    }

    public long expectedDuplicates(EventSource s) {
        return perSource.get(s)[Recorder.R_DUPLICATE];
    }

    public long expectedMismatches(EventSource s) {
        return perSource.get(s)[Recorder.R_MISMATCH];
    }

    public long expectedInvalid(EventSource s) {
        return perSource.get(s)[Recorder.R_INVALID];
    }

    public long expectedStale(EventSource s) {
        return perSource.get(s)[Recorder.R_STALE];
    }

    public Map<String, Long> expectedInvalidByReason(EventSource s) {
        return invalidBySource.get(s);
    }

    // ---- how records were sent: first deliveries + retries + replayed + mismatch deliveries + malformed = in ------------------

    public long firstDeliveries() {
        return deliveries[Recorder.D_FIRST];
    }

    /** Sender retries (same payload, higher attempt, later sent_at). */
    public long retries() {
        return deliveries[Recorder.D_RETRY];
    }

    /** Retries sent to another partition than the event's first delivery. */
    public long crossPartitionRedeliveries() {
        return deliveries[Recorder.D_CROSS_PARTITION];
    }

    /** Upstream replays of whole batches. */
    public long replays() {
        return deliveries[Recorder.D_REPLAYS];
    }

    /** Records re-sent verbatim by replays, of every kind (original payloads, payload mismatches, malformed records). */
    public long replayedRecords() {
        return deliveries[Recorder.D_REPLAYED];
    }

    /** Stale updates sent, replays of them not included. */
    public long staleUpdates() {
        return deliveries[Recorder.D_STALE];
    }

    /** Deliveries that reuse a key with a different payload, replays of them not included. */
    public long mismatchDeliveries() {
        return deliveries[Recorder.D_MISMATCH];
    }

    /** Malformed records sent, by kind, replays of them not included. */
    public Map<MalformedKind, Long> malformed() {
        return Collections.unmodifiableMap(malformed);
    }

    /** Malformed records sent, replays of them not included. */
    public long malformedRecords() {
        return malformed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Telemetry events sent without any idempotency key, which the app keys by payload fingerprint. */
    public long fingerprintKeyedEvents() {
        return deliveries[Recorder.D_FINGERPRINT_KEYED];
    }

    /** Webhook events that carry an Idempotency-Key header. */
    public long idempotencyHeaderEvents() {
        return deliveries[Recorder.D_IDEMPOTENCY_HEADER];
    }

    /** Logical events that carry an X-Tenant-Id header. */
    public long tenantHeaderEvents() {
        return deliveries[Recorder.D_TENANT_HEADER];
    }

    /** Records sent with a null Kafka record key. */
    public long nullKeyRecords() {
        return deliveries[Recorder.D_NULL_KEY];
    }

    // ---- the logical events --------------------------------------------------------------------------------------------------

    /** True when {@code id} is a logical event of this run, which must appear exactly once on its source's output topic. */
    public boolean expects(EventId id) {
        return id.seq() <= Integer.MAX_VALUE && expected.get((int) id.seq()) && sourceOf((int) id.seq()) == id.source();
    }

    /** The logical event with this sequence number, if the run sent one. */
    public java.util.Optional<EventId> event(long seq) {
        if (seq < 0 || seq > Integer.MAX_VALUE || !expected.get((int) seq)) return java.util.Optional.empty();
        return java.util.Optional.of(new EventId(sourceOf((int) seq), seq));
    }

    /** The logical events that must appear exactly once on the outputs; a read-only view, not a copy. */
    public Set<EventId> expectedUniqueEvents() {
        return new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                return o instanceof EventId id && expects(id);
            }

            @Override
            public int size() {
                return expected.cardinality();
            }

            @Override
            public Iterator<EventId> iterator() {
                return new Iterator<>() {
                    int next = expected.nextSetBit(0);

                    @Override
                    public boolean hasNext() {
                        return next >= 0;
                    }

                    @Override
                    public EventId next() {
                        if (next < 0) throw new NoSuchElementException();
                        EventId id = new EventId(sourceOf(next), next);
                        next = next == Integer.MAX_VALUE ? -1 : expected.nextSetBit(next + 1);
                        return id;
                    }
                };
            }
        };
    }

    /** The expected logical events as a bit set of sequence numbers (a copy). */
    BitSet expectedSeqs() {
        return (BitSet) expected.clone();
    }

    private EventSource sourceOf(int seq) {
        return webhooks.get(seq) ? EventSource.WEBHOOKS : EventSource.TELEMETRY;
    }

    private long sum(int index) {
        long s = 0;
        for (long[] v : perSource.values()) s += v[index];
        return s;
    }

    /** Multi-line summary of what was sent. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Load run %s: %,d records in %.1f s%s%n", runId, in, elapsed().toMillis() / 1000.0,
                stoppedEarly ? " (stopped early)" : ""));
        b.append(String.format("  logical events %,d (telemetry %,d, webhooks %,d)%n", logicalEvents(),
                distinctKeys(EventSource.TELEMETRY), distinctKeys(EventSource.WEBHOOKS)));
        b.append(String.format("  first deliveries %,d, retries %,d (%,d to another partition), replays %,d (%,d records), "
                        + "payload mismatches %,d, stale updates %,d, malformed %,d%n", firstDeliveries(), retries(), crossPartitionRedeliveries(),
                replays(), replayedRecords(), mismatchDeliveries(), staleUpdates(), malformedRecords()));
        b.append(String.format("  fingerprint-keyed telemetry events %,d, webhooks with Idempotency-Key %,d, events with X-Tenant-Id %,d, "
                + "records without a Kafka key %,d%n", fingerprintKeyedEvents(), idempotencyHeaderEvents(), tenantHeaderEvents(), nullKeyRecords()));
        if (expectedLateRetries() > 0) b.append(String.format("  late retries %,d (%s, expected forwarded again, marked)%n",
                expectedLateRetries(), lateRetryTiming()));
        if (schemaUpgraded) b.append(String.format("  telemetry schema upgraded halfway: %,d retries of earlier events under the newer schema%n",
                retriesAcrossSchemaUpgrade()));
        b.append(String.format("  expected: unique %,d, duplicate %,d, mismatch %,d, stale %,d, invalid %,d %s",
                expectedUnique(), expectedDuplicates(), expectedMismatches(), expectedStale(), expectedInvalid(), expectedInvalidByReason()));
        return b.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * Builds a ledger record by record, in send order. The generator's; tests use it to hand-make a ledger. Not thread-safe.
     */
    static final class Recorder {
        static final int R_RECORDS = 0, R_VALID = 1, R_UNIQUE = 2, R_DUPLICATE = 3, R_MISMATCH = 4, R_INVALID = 5, R_STALE = 6, R_LATE = 7;
        static final int D_FIRST = 0, D_RETRY = 1, D_CROSS_PARTITION = 2, D_REPLAYS = 3, D_REPLAYED = 4, D_MISMATCH = 5,
                D_FINGERPRINT_KEYED = 6, D_IDEMPOTENCY_HEADER = 7, D_TENANT_HEADER = 8, D_NULL_KEY = 9, D_STALE = 10, D_ACROSS_SCHEMA = 11;

        private final String runId;
        private final LoadProfile profile;
        private final Map<EventSource, String> inputTopics;
        private final Instant startedAt;
        private long in;
        private final EnumMap<EventSource, long[]> perSource = new EnumMap<>(EventSource.class);
        private final EnumMap<EventSource, Map<String, Long>> invalidBySource = new EnumMap<>(EventSource.class);
        private final EnumMap<MalformedKind, Long> malformed = new EnumMap<>(MalformedKind.class);
        private final long[] deliveries = new long[12];
        private final BitSet firstSeen = new BitSet();
        private final BitSet webhooks = new BitSet();
        private final BitSet lateRetried = new BitSet();
        private boolean schemaUpgraded;

        Recorder(String runId, LoadProfile profile, Map<EventSource, String> inputTopics, Instant startedAt) {
            this.runId = Objects.requireNonNull(runId);
            this.profile = Objects.requireNonNull(profile);
            this.inputTopics = Map.copyOf(inputTopics);
            this.startedAt = startedAt;
            for (EventSource s : EventSource.values()) {
                perSource.put(s, new long[8]);
                invalidBySource.put(s, new TreeMap<>());
            }
        }

        /** A record carrying the original payload of logical event {@code seq} (first delivery, retry, or a replay of either). */
        void original(EventSource s, long seq, Delivery how, boolean crossPartition, boolean nullKey) {
            int i = checkedSeq(seq);
            long[] c = count(s, nullKey);
            c[R_VALID]++;
            if (firstSeen.get(i)) {
                if (how == Delivery.FIRST) throw new IllegalStateException("event " + seq + " delivered first twice");
                c[R_DUPLICATE]++;
            } else {
                if (how != Delivery.FIRST) throw new IllegalStateException("event " + seq + " redelivered before its first delivery");
                firstSeen.set(i);
                if (s == EventSource.WEBHOOKS) webhooks.set(i);
                c[R_UNIQUE]++;
            }
            switch (how) {
                case FIRST -> deliveries[D_FIRST]++;
                case RETRY -> {
                    deliveries[D_RETRY]++;
                    if (crossPartition) deliveries[D_CROSS_PARTITION]++;
                }
                case REPLAY -> deliveries[D_REPLAYED]++;
            }
        }

        /** Attributes of a logical event, counted once, at its first delivery. */
        void eventTraits(boolean fingerprintKeyed, boolean idempotencyHeader, boolean tenantHeader) {
            if (fingerprintKeyed) deliveries[D_FINGERPRINT_KEYED]++;
            if (idempotencyHeader) deliveries[D_IDEMPOTENCY_HEADER]++;
            if (tenantHeader) deliveries[D_TENANT_HEADER]++;
        }

        /** A record that reuses the key of logical event {@code seq} with a different payload; sent after its first delivery. */
        void mismatch(EventSource s, long seq, boolean replay, boolean nullKey) {
            int i = checkedSeq(seq);
            if (!firstSeen.get(i)) throw new IllegalStateException("mismatch for event " + seq + " before its first delivery");
            long[] c = count(s, nullKey);
            c[R_VALID]++;
            c[R_MISMATCH]++;
            deliveries[replay ? D_REPLAYED : D_MISMATCH]++;
        }

        /** A stale update of logical event {@code seq}'s object, sent after its first delivery; a replay of it is a duplicate. */
        void stale(EventSource s, long seq, boolean replay, boolean nullKey) {
            int i = checkedSeq(seq);
            if (!firstSeen.get(i)) throw new IllegalStateException("stale update for event " + seq + " before its first delivery");
            long[] c = count(s, nullKey);
            c[R_VALID]++;
            if (replay) {
                c[R_DUPLICATE]++;
                deliveries[D_REPLAYED]++;
            } else {
                c[R_STALE]++;
                deliveries[D_STALE]++;
            }
        }

        void malformed(EventSource s, MalformedKind kind, boolean replay, boolean nullKey) {
            long[] c = count(s, nullKey);
            c[R_INVALID]++;
            invalidBySource.get(s).merge(kind.expectedReason(), 1L, Long::sum);
            if (replay) deliveries[D_REPLAYED]++;
            else malformed.merge(kind, 1L, Long::sum);
        }

        /** The late retry of logical event {@code seq}: its payload again, past the TTL; expected forwarded again. One per event. */
        void lateRetry(EventSource s, long seq, boolean nullKey) {
            int i = checkedSeq(seq);
            if (!firstSeen.get(i)) throw new IllegalStateException("late retry of event " + seq + " before its first delivery");
            if (lateRetried.get(i)) throw new IllegalStateException("event " + seq + " retried late twice");
            lateRetried.set(i);
            long[] c = count(s, nullKey);
            c[R_VALID]++;
            c[R_LATE]++;
            deliveries[D_RETRY]++;
        }

        void schemaUpgraded() {
            schemaUpgraded = true;
        }

        void retryAcrossSchemaUpgrade() {
            deliveries[D_ACROSS_SCHEMA]++;
        }

        void replayBatch() {
            deliveries[D_REPLAYS]++;
        }

        long in() {
            return in;
        }

        boolean firstDeliverySent(long seq) {
            return firstSeen.get(checkedSeq(seq));
        }

        LoadLedger finish(Instant finishedAt, boolean stoppedEarly) {
            return new LoadLedger(this, finishedAt, stoppedEarly);
        }

        private long[] count(EventSource s, boolean nullKey) {
            in++;
            if (nullKey) deliveries[D_NULL_KEY]++;
            long[] c = perSource.get(s);
            c[R_RECORDS]++;
            return c;
        }

        private static int checkedSeq(long seq) {
            if (seq < 0 || seq > Integer.MAX_VALUE) throw new IllegalArgumentException("seq out of range: " + seq);
            return (int) seq;
        }
    }
}
