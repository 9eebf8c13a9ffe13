package io.eventdedup.tools.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.eventdedup.registry.RegistryUnavailableException;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.DuplicateDetected;
import io.eventdedup.schemas.KeyReleased;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.WebhookEvent;
import io.eventdedup.serde.ConfluentWireFormat;
import io.eventdedup.topology.DedupHeaders;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The reconciler's bookkeeping, apart from Kafka: it classifies each record read from an output, audit or DLQ topic, and builds the
 * {@link ReconciliationReport}. It decodes only what it needs: a telemetry event's labels and a webhook's JSON body to recognise
 * the logical event, an audit record's delay. Not thread-safe.
 */
final class Tally {
    private static final int SAMPLES = 10;
    private static final JsonFactory JSON = new JsonFactory();

    private final LoadLedger ledger;
    private final Map<String, EventSource> outputTopics;
    private final String auditTopic;
    private final String dlqTopic;
    private final Map<String, EventSource> sourceNames;
    private final SchemaRegistry registry;

    private final EnumMap<EventSource, Long> unique = zeros();
    private final EnumMap<EventSource, Long> duplicate = zeros();
    private final EnumMap<EventSource, Long> mismatch = zeros();
    private final EnumMap<EventSource, Long> stale = zeros();
    private final Map<String, Long> invalid = new TreeMap<>();
    private final BitSet seen = new BitSet();
    private final BitSet seenLate = new BitSet();
    private final LongHashSet keys = new LongHashSet();
    private final List<String> duplicateSamples = new ArrayList<>();
    private final Map<String, Long> unexpectedByCause = new TreeMap<>();
    private final List<String> unexpectedSamples = new ArrayList<>();
    private final Map<Long, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    /** Release decisions on the audit topic by outcome, and unique events forwarded after a release: outside the ledger's in. */
    private final Map<String, Long> releases = new TreeMap<>();
    private final Map<Integer, Boolean> releaseSchemaIds = new HashMap<>();
    private long forwardedAfterRelease;
    private final MessageDigest sha;
    private BinaryDecoder decoder;
    private long counted;
    private long read;
    private long ignored;
    private long duplicateEvents;
    private long duplicateKeys;
    private long unexpected;
    private long withoutDedupHeaders;
    private long lateRetriesForwarded;
    private long maxDelay = -1;

    /**
     * @param outputTopics output topic of each source
     * @param sourceNames  the app's name of each source, as in the {@code dedup.source} header
     */
    Tally(LoadLedger ledger, Map<EventSource, String> outputTopics, String auditTopic, String dlqTopic,
          Map<EventSource, String> sourceNames, SchemaRegistry registry) {
        this.ledger = Objects.requireNonNull(ledger);
        this.outputTopics = new HashMap<>();
        outputTopics.forEach((s, t) -> this.outputTopics.put(t, s));
        this.auditTopic = auditTopic;
        this.dlqTopic = dlqTopic;
        this.sourceNames = new HashMap<>();
        sourceNames.forEach((s, n) -> this.sourceNames.put(n, s));
        this.registry = Objects.requireNonNull(registry);
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Records counted in one of the four outcomes so far. */
    long counted() {
        return counted;
    }

    long read() {
        return read;
    }

    void accept(String topic, int partition, long offset, Headers headers, byte[] value) {
        read++;
        EventSource output = outputTopics.get(topic);
        if (output != null) {
            output(output, topic + "-" + partition + "@" + offset, headers, value);
        } else if (topic.equals(auditTopic)) {
            EventSource s = sourceNames.get(DedupHeaders.get(headers, DedupHeaders.SOURCE));
            if (s == null) {
                ignored++;
                return;
            }
            if (isReleaseAudit(value)) {
                releases.merge(releaseOutcome(value), 1L, Long::sum);
                return;
            }
            (isStale(value) ? stale : duplicate).merge(s, 1L, Long::sum);
            counted++;
        } else if (topic.equals(dlqTopic)) {
            EventSource s = sourceNames.get(DedupHeaders.get(headers, DedupHeaders.SOURCE));
            if (s == null) {
                ignored++;
                return;
            }
            String reason = DedupHeaders.get(headers, DedupHeaders.REASON);
            if ("PAYLOAD_MISMATCH".equals(reason)) mismatch.merge(s, 1L, Long::sum);
            else invalid.merge(reason == null ? "(no reason header)" : reason, 1L, Long::sum);
            counted++;
        } else {
            ignored++;
        }
    }

    private void output(EventSource source, String where, Headers headers, byte[] value) {
        if (DedupHeaders.get(headers, DedupHeaders.FOLLOWS_RELEASE) != null) {
            // A retry let through by a release: sent by whoever released it, not by the generator, so outside the ledger's in.
            forwardedAfterRelease++;
            return;
        }
        unique.merge(source, 1L, Long::sum);
        counted++;

        String dedupSource = DedupHeaders.get(headers, DedupHeaders.SOURCE);
        String tenant = DedupHeaders.get(headers, DedupHeaders.TENANT);
        String key = DedupHeaders.get(headers, DedupHeaders.KEY);
        boolean markedLate = DedupHeaders.get(headers, DedupHeaders.LATE_RETRY) != null;
        if (dedupSource == null || tenant == null || key == null) {
            withoutDedupHeaders++;
        } else if (!markedLate && !keys.add(keyHash(dedupSource, tenant, key))) { // a late retry repeats its key: checked per event
            duplicateKeys++;
            sample(duplicateSamples, "key " + dedupSource + "|" + tenant + "|" + key + " at " + where);
        }

        Identity id;
        try {
            id = source == EventSource.TELEMETRY ? telemetryIdentity(value) : webhookIdentity(value);
        } catch (RegistryUnavailableException e) {
            throw e; // not the record's fault: no verdict rather than a wrong one
        } catch (Exception e) {
            unexpected("undecodable", where + " (" + e.getMessage() + ")");
            return;
        }
        if (id == null || id.seq == null) {
            unexpected("no loadgen identity", where);
        } else if (!ledger.runId().equals(id.run)) {
            unexpected("other run", where + " (run " + id.run + ")");
        } else if (id.variant == LoadgenMarkers.STALE_VARIANT) {
            unexpected("stale update forwarded", where + " (" + source.sourceName() + "#" + id.seq + ")");
        } else if (id.variant != 0) {
            unexpected("payload-mismatch delivery forwarded", where + " (" + source.sourceName() + "#" + id.seq + ")");
        } else if (id.seq < 0 || !ledger.expects(new EventId(source, id.seq))) {
            unexpected("not a logical event of the run", where + " (" + source.sourceName() + "#" + id.seq + ")");
        } else if (markedLate) {
            lateRetry(source, id.seq, where);
        } else if (seen.get((int) (long) id.seq)) {
            duplicateEvents++;
            sample(duplicateSamples, "event " + source.sourceName() + "#" + id.seq + " at " + where);
        } else {
            seen.set((int) (long) id.seq);
        }
    }

    /** An output record marked {@code dedup.late-retry}: expected once for an event the ledger retried late, never otherwise. */
    private void lateRetry(EventSource source, long seq, String where) {
        if (!ledger.expectsLateRetry(seq)) {
            unexpected("marked late retry of an event without one", where + " (" + source.sourceName() + "#" + seq + ")");
        } else if (seenLate.get((int) seq)) {
            duplicateEvents++;
            sample(duplicateSamples, "late retry of " + source.sourceName() + "#" + seq + " at " + where);
        } else {
            seenLate.set((int) seq);
            lateRetriesForwarded++;
        }
    }

    private void unexpected(String cause, String sample) {
        unexpected++;
        unexpectedByCause.merge(cause, 1L, Long::sum);
        sample(unexpectedSamples, sample);
    }

    private static void sample(List<String> samples, String s) {
        if (samples.size() < SAMPLES) samples.add(s);
    }

    private long keyHash(String source, String tenant, String key) {
        sha.reset();
        for (String s : new String[] {source, tenant, key}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
            sha.update(b);
        }
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    // ---- decoding ------------------------------------------------------------------------------------------------------------

    private record Identity(String run, Long seq, int variant) {}

    private Identity telemetryIdentity(byte[] value) throws IOException {
        GenericRecord r = decode(value, Projection.TELEMETRY_LABELS);
        @SuppressWarnings("unchecked")
        Map<Object, Object> labels = (Map<Object, Object>) r.get("labels");
        Map<String, String> l = new HashMap<>();
        labels.forEach((k, v) -> l.put(k.toString(), v.toString()));
        String seq = l.get(LoadgenMarkers.LABEL_SEQ);
        String variant = l.get(LoadgenMarkers.LABEL_VARIANT);
        return new Identity(l.get(LoadgenMarkers.LABEL_RUN), seq == null ? null : Long.parseLong(seq),
                variant == null ? 0 : Integer.parseInt(variant));
    }

    private Identity webhookIdentity(byte[] value) throws IOException {
        GenericRecord r = decode(value, Projection.WEBHOOK_BODY);
        ByteBuffer body = (ByteBuffer) r.get("body");
        String run = null;
        Long seq = null;
        int variant = 0;
        try (JsonParser p = JSON.createParser(body.array(), body.arrayOffset() + body.position(), body.remaining())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (LoadgenMarkers.JSON_SEQ.equals(name) && t == JsonToken.VALUE_NUMBER_INT) seq = p.getLongValue();
                else if (LoadgenMarkers.JSON_RUN.equals(name) && t == JsonToken.VALUE_STRING) run = p.getText();
                else if (LoadgenMarkers.JSON_VARIANT.equals(name) && t == JsonToken.VALUE_NUMBER_INT) variant = p.getIntValue();
                else p.skipChildren();
            }
        }
        return new Identity(run, seq, variant);
    }

    /**
     * Whether an audit record is a STALE one (its {@code outcome}; records of the schema before it have the default DUPLICATE),
     * noting a duplicate's delay on the way.
     */
    private boolean isStale(byte[] value) {
        try {
            GenericRecord r = decode(value, Projection.AUDIT_OUTCOME);
            if ("STALE".equals(String.valueOf(r.get("outcome")))) return true;
            maxDelay = Math.max(maxDelay, (Long) r.get("delay_ms"));
            return false;
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (Exception e) {
            // An undecodable audit record counts as the duplicate audit records were before STALE existed, without its delay.
            return false;
        }
    }

    /** An audit record under the KeyReleased schema (a release decision), not DuplicateDetected. */
    private boolean isReleaseAudit(byte[] value) {
        if (!ConfluentWireFormat.looksFramed(value)) return false;
        return releaseSchemaIds.computeIfAbsent(ConfluentWireFormat.schemaId(value),
                id -> KeyReleased.getClassSchema().getFullName().equals(registry.schemaById(id).getFullName()));
    }

    private String releaseOutcome(byte[] value) {
        try {
            return decode(value, Projection.RELEASE_OUTCOME).get("outcome").toString();
        } catch (IOException | RuntimeException e) {
            if (e instanceof RegistryUnavailableException u) throw u;
            return "(undecodable)";
        }
    }

    /** Reads a wire-format value with its writer schema from the registry into {@code projection}, skipping every other field. */
    private GenericRecord decode(byte[] value, Projection projection) throws IOException {
        if (!ConfluentWireFormat.looksFramed(value)) throw new IOException("not in the Confluent wire format");
        int id = ConfluentWireFormat.schemaId(value);
        long cacheKey = ((long) id << 2) | projection.ordinal();
        GenericDatumReader<GenericRecord> reader = readers.get(cacheKey);
        if (reader == null) {
            reader = new GenericDatumReader<>(registry.schemaById(id), projection.schema);
            readers.put(cacheKey, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, decoder);
        return reader.read(null, decoder);
    }

    /** Reader schemas with only the fields the tally needs; Avro's schema resolution skips the rest. */
    private enum Projection {
        TELEMETRY_LABELS(TelemetryEvent.getClassSchema(), "labels"),
        WEBHOOK_BODY(WebhookEvent.getClassSchema(), "body"),
        AUDIT_OUTCOME(DuplicateDetected.getClassSchema(), "delay_ms", "outcome"),
        RELEASE_OUTCOME(KeyReleased.getClassSchema(), "outcome");

        final Schema schema;

        Projection(Schema full, String... fields) {
            List<Schema.Field> kept = new ArrayList<>();
            for (String field : fields) {
                Schema.Field f = full.getField(field);
                kept.add(new Schema.Field(f.name(), f.schema(), null, f.hasDefaultValue() ? f.defaultVal() : null));
            }
            Schema s = Schema.createRecord(full.getName(), null, full.getNamespace(), false);
            s.setFields(kept);
            this.schema = s;
        }
    }

    // ---- report --------------------------------------------------------------------------------------------------------------

    ReconciliationReport report(boolean complete, Duration elapsed) {
        BitSet missing = ledger.expectedSeqs();
        missing.andNot(seen);
        List<EventId> missingSample = new ArrayList<>();
        for (int i = missing.nextSetBit(0); i >= 0 && missingSample.size() < SAMPLES; i = missing.nextSetBit(i + 1)) {
            missingSample.add(ledger.event(i).orElseThrow());
        }
        return new ReconciliationReport(ledger, complete, elapsed, read, ignored, unique, duplicate, mismatch, stale, invalid,
                duplicateEvents, duplicateKeys, duplicateSamples, missing.cardinality(), missingSample, unexpected,
                unexpectedByCause, unexpectedSamples, withoutDedupHeaders, maxDelay, new ReconciliationReport.Releases(releases, forwardedAfterRelease),
                lateRetriesForwarded);
    }

    private static EnumMap<EventSource, Long> zeros() {
        EnumMap<EventSource, Long> m = new EnumMap<>(EventSource.class);
        for (EventSource s : EventSource.values()) m.put(s, 0L);
        return m;
    }
}
