package io.eventdedup.topology;

import io.eventdedup.key.EntitySequence;
import io.eventdedup.key.ResolvedKey;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Binary encoding of a valid {@link Envelope} for the repartition topic. Versioned so a rolling upgrade can read what the previous
 * version wrote. The store key travels as the record key, so it is not repeated here.
 *
 * <pre>
 * byte    version (4 with a stale check's entity and sequence, else 2, as before it; version 1 has no legacy fingerprint; 3 is a command, below)
 * string  tenant, idempotency key, key rule, origin topic     (int length + UTF-8)
 * bytes   fingerprint                                         (int length + bytes)
 * bytes   legacy (form-1) fingerprint                         (int length + bytes; -1 for none)
 * [version 4 only: string entity; long sequence; bytes entity key]
 * int     origin partition;  long origin offset;  long origin timestamp
 * bytes   original key (length -1 for null);  bytes original value (the rest)
 * </pre>
 *
 * A command envelope ({@link Envelope#release}) is its own version, 3, which data envelopes never use, so data written by an earlier
 * version reads unchanged:
 *
 * <pre>
 * byte    3
 * string  source, tenant, idempotency key, key rule, reason, requester, origin (control) topic
 * int     origin partition;  long origin offset;  long origin timestamp
 * </pre>
 */
public final class EnvelopeSerde implements Serde<Envelope> {
    static final byte VERSION = 2;
    static final byte COMMAND_VERSION = 3;
    /** Written only for events of a stale-checked source, so other sources' envelopes stay readable by the release before it. */
    static final byte VERSION_WITH_SEQUENCE = 4;

    @Override
    public Serializer<Envelope> serializer() {
        return (topic, e) -> {
            if (e == null) return null;
            if (e.isInvalid()) throw new IllegalArgumentException("invalid envelopes do not travel through the repartition topic");
            if (e.isRelease()) return serializeCommand(e);
            ResolvedKey k = e.key();
            byte[] tenant = utf8(k.tenant()), key = utf8(k.idempotencyKey()), rule = utf8(k.keyRule()), topicName = utf8(e.origin().topic());
            EntitySequence seq = k.sequence();
            byte[] entity = seq == null ? null : utf8(seq.entity());
            int size = (seq == null ? 0 : 4 + entity.length + 8 + 4 + seq.entityKey().length) + 1 + 4 * 6 + (k.legacyFingerprint() == null ? 0 : k.legacyFingerprint().length) + tenant.length + key.length + rule.length + topicName.length + k.fingerprint().length
                    + 4 + 8 + 8 + 4 + (e.originalKey() == null ? 0 : e.originalKey().length) + e.originalValue().length;
            ByteBuffer b = ByteBuffer.allocate(size).put(seq == null ? VERSION : VERSION_WITH_SEQUENCE);
            putBytes(b, tenant);
            putBytes(b, key);
            putBytes(b, rule);
            putBytes(b, topicName);
            putBytes(b, k.fingerprint());
            putBytes(b, k.legacyFingerprint());
            if (seq != null) {
                putBytes(b, entity);
                b.putLong(seq.sequence());
                putBytes(b, seq.entityKey());
            }
            b.putInt(e.origin().partition()).putLong(e.origin().offset()).putLong(e.origin().timestamp());
            putBytes(b, e.originalKey());
            b.put(e.originalValue());
            return b.array();
        };
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return (topic, data) -> {
            if (data == null) return null;
            try {
                ByteBuffer b = ByteBuffer.wrap(data);
                byte version = b.get();
                if (version == COMMAND_VERSION) return deserializeCommand(b);
                if (version != VERSION && version != VERSION_WITH_SEQUENCE && version != 1) throw new SerializationException("unknown envelope version " + version + " on " + topic);
                String tenant = getString(b), key = getString(b), rule = getString(b), originTopic = getString(b);
                byte[] fingerprint = getBytes(b);
                // A version-1 envelope (written before the upgrade) holds a form-1 fingerprint in the one slot: matched against
                // the store in either form, it still meets the entry its own release wrote.
                byte[] legacyFingerprint = version == 1 ? null : getBytes(b);
                EntitySequence seq = version == VERSION_WITH_SEQUENCE ? new EntitySequence(getString(b), b.getLong(), getBytes(b)) : null;
                Origin origin = new Origin(originTopic, b.getInt(), b.getLong(), b.getLong());
                byte[] originalKey = getBytes(b);
                byte[] value = new byte[b.remaining()];
                b.get(value);
                // The store key is the record key; the consumer of the envelope reads it from there.
                return Envelope.valid(new ResolvedKey(tenant, key, rule, fingerprint, legacyFingerprint, null, seq), origin, originalKey, value);
            } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) { // NPE: a forged -1 length of a string
                throw new SerializationException("corrupt envelope on " + topic, e);
            }
        };
    }

    private static byte[] serializeCommand(Envelope e) {
        ResolvedKey k = e.key();
        ReleaseRequest r = e.release();
        byte[][] strings = {utf8(r.source()), utf8(k.tenant()), utf8(k.idempotencyKey()), utf8(k.keyRule()), utf8(r.reason()),
                utf8(r.requester()), utf8(e.origin().topic())};
        int size = 1 + 4 + 8 + 8;
        for (byte[] s : strings) size += 4 + s.length;
        ByteBuffer b = ByteBuffer.allocate(size).put(COMMAND_VERSION);
        for (byte[] s : strings) putBytes(b, s);
        b.putInt(e.origin().partition()).putLong(e.origin().offset()).putLong(e.origin().timestamp());
        return b.array();
    }

    private static Envelope deserializeCommand(ByteBuffer b) {
        String source = getString(b), tenant = getString(b), key = getString(b), rule = getString(b), reason = getString(b),
                requester = getString(b), originTopic = getString(b);
        Origin origin = new Origin(originTopic, b.getInt(), b.getLong(), b.getLong());
        if (b.hasRemaining()) throw new IllegalArgumentException("bytes after a command envelope");
        return Envelope.release(new ResolvedKey(tenant, key, rule, new byte[0], null), new ReleaseRequest(source, reason, requester), origin);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        if (bytes == null) {
            b.putInt(-1);
        } else {
            b.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) return null;
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String getString(ByteBuffer b) {
        return new String(getBytes(b), StandardCharsets.UTF_8);
    }
}
