package io.eventdedup.topology;

import io.eventdedup.key.EntitySequence;
import io.eventdedup.key.ResolvedKey;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.ByteUtils;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Binary encoding of a valid {@link Envelope} for the repartition topic. Versioned so a rolling upgrade can read what the previous
 * version wrote. The store key travels as the record key, so it is not repeated here. Data envelopes are written as version 5:
 *
 * <pre>
 * byte    5
 * byte    flags: 1 stale check (entity and sequence follow), 2 original key null, 4 original key = the idempotency key's UTF-8,
 *                8 key rule spelled out, 16 origin topic spelled out
 * string  tenant, idempotency key                              (unsigned varint length + UTF-8)
 * name    key rule, origin topic                               (4-byte code, {@link EnvelopeNames}; spelled out as a string when flagged)
 * bytes   fingerprint (form 2)                                 (unsigned varint length + bytes)
 * [flag 1: string entity; varlong sequence; bytes entity key]
 * varint  origin partition;  varlong origin offset;  varlong origin timestamp       (zig-zag)
 * [neither flag 2 nor 4: bytes original key]
 * bytes   original value (the rest)
 * </pre>
 *
 * Earlier versions still read (records in flight across an upgrade), each with int lengths and fixed-size numbers:
 *
 * <pre>
 * byte    version (4 with a stale check's entity and sequence, else 2; version 1 has no legacy fingerprint; 3 is a command, below)
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
    /** Data envelopes written by the release before the compact encoding (still read). */
    static final byte VERSION = 2;
    static final byte COMMAND_VERSION = 3;
    /** Written by the release before the compact encoding for events of a stale-checked source (still read). */
    static final byte VERSION_WITH_SEQUENCE = 4;
    /** What data envelopes are written as. */
    static final byte COMPACT_VERSION = 5;

    static final int STALE_CHECKED = 1, NULL_KEY = 2, KEY_IS_IDEMPOTENCY_KEY = 4, RULE_SPELLED = 8, TOPIC_SPELLED = 16;

    private final EnvelopeNames names;

    /** An envelope serde that spells out every name (tests, and readers without a config). */
    public EnvelopeSerde() {
        this(EnvelopeNames.NONE);
    }

    public EnvelopeSerde(EnvelopeNames names) {
        this.names = names;
    }

    @Override
    public Serializer<Envelope> serializer() {
        return (topic, e) -> {
            if (e == null) return null;
            if (e.isInvalid()) throw new IllegalArgumentException("invalid envelopes do not travel through the repartition topic");
            if (e.isRelease()) return serializeCommand(e);
            return serializeCompact(e);
        };
    }

    private byte[] serializeCompact(Envelope e) {
        ResolvedKey k = e.key();
        byte[] tenant = utf8(k.tenant()), key = utf8(k.idempotencyKey());
        Integer ruleCode = names.code(k.keyRule()), topicCode = names.code(e.origin().topic());
        byte[] rule = ruleCode == null ? utf8(k.keyRule()) : null, topicName = topicCode == null ? utf8(e.origin().topic()) : null;
        EntitySequence seq = k.sequence();
        byte[] entity = seq == null ? null : utf8(seq.entity());
        byte[] originalKey = e.originalKey();
        int flags = (seq != null ? STALE_CHECKED : 0) | (rule != null ? RULE_SPELLED : 0) | (topicName != null ? TOPIC_SPELLED : 0)
                | (originalKey == null ? NULL_KEY : Arrays.equals(originalKey, key) ? KEY_IS_IDEMPOTENCY_KEY : 0);
        boolean keyWritten = (flags & (NULL_KEY | KEY_IS_IDEMPOTENCY_KEY)) == 0;
        int size = 2 + sizeOf(tenant) + sizeOf(key) + (rule == null ? 4 : sizeOf(rule)) + (topicName == null ? 4 : sizeOf(topicName))
                + sizeOf(k.fingerprint())
                + (seq == null ? 0 : sizeOf(entity) + ByteUtils.sizeOfVarlong(seq.sequence()) + sizeOf(seq.entityKey()))
                + ByteUtils.sizeOfVarint(e.origin().partition()) + ByteUtils.sizeOfVarlong(e.origin().offset())
                + ByteUtils.sizeOfVarlong(e.origin().timestamp())
                + (keyWritten ? sizeOf(originalKey) : 0) + e.originalValue().length;
        ByteBuffer b = ByteBuffer.allocate(size).put(COMPACT_VERSION).put((byte) flags);
        putVarBytes(b, tenant);
        putVarBytes(b, key);
        if (rule == null) b.putInt(ruleCode); else putVarBytes(b, rule);
        if (topicName == null) b.putInt(topicCode); else putVarBytes(b, topicName);
        putVarBytes(b, k.fingerprint());
        if (seq != null) {
            putVarBytes(b, entity);
            ByteUtils.writeVarlong(seq.sequence(), b);
            putVarBytes(b, seq.entityKey());
        }
        ByteUtils.writeVarint(e.origin().partition(), b);
        ByteUtils.writeVarlong(e.origin().offset(), b);
        ByteUtils.writeVarlong(e.origin().timestamp(), b);
        if (keyWritten) putVarBytes(b, originalKey);
        b.put(e.originalValue());
        return b.array();
    }

    private Envelope deserializeCompact(ByteBuffer b) {
        int flags = b.get();
        if ((flags & ~(STALE_CHECKED | NULL_KEY | KEY_IS_IDEMPOTENCY_KEY | RULE_SPELLED | TOPIC_SPELLED)) != 0) {
            throw new IllegalArgumentException("unknown envelope flags " + flags);
        }
        String tenant = getVarString(b), key = getVarString(b);
        String rule = (flags & RULE_SPELLED) != 0 ? getVarString(b) : names.name(b.getInt());
        String originTopic = (flags & TOPIC_SPELLED) != 0 ? getVarString(b) : names.name(b.getInt());
        byte[] fingerprint = getVarBytes(b);
        EntitySequence seq = (flags & STALE_CHECKED) != 0 ? new EntitySequence(getVarString(b), ByteUtils.readVarlong(b), getVarBytes(b)) : null;
        Origin origin = new Origin(originTopic, ByteUtils.readVarint(b), ByteUtils.readVarlong(b), ByteUtils.readVarlong(b));
        byte[] originalKey = (flags & NULL_KEY) != 0 ? null
                : (flags & KEY_IS_IDEMPOTENCY_KEY) != 0 ? utf8(key)
                : getVarBytes(b);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return Envelope.valid(new ResolvedKey(tenant, key, rule, fingerprint, null, null, seq), origin, originalKey, value);
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return (topic, data) -> {
            if (data == null) return null;
            try {
                ByteBuffer b = ByteBuffer.wrap(data);
                byte version = b.get();
                if (version == COMMAND_VERSION) return deserializeCommand(b);
                if (version == COMPACT_VERSION) return deserializeCompact(b);
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
                // IllegalArgumentException also covers a varint longer than its type and a length beyond the bytes left
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

    private static int sizeOf(byte[] bytes) {
        return ByteUtils.sizeOfUnsignedVarint(bytes.length) + bytes.length;
    }

    private static void putVarBytes(ByteBuffer b, byte[] bytes) {
        ByteUtils.writeUnsignedVarint(bytes.length, b);
        b.put(bytes);
    }

    private static byte[] getVarBytes(ByteBuffer b) {
        return take(b, ByteUtils.readUnsignedVarint(b));
    }

    private static String getVarString(ByteBuffer b) {
        return new String(getVarBytes(b), StandardCharsets.UTF_8);
    }

    /** The next {@code n} bytes; a forged length (negative, or more than is left) is refused before anything is allocated. */
    private static byte[] take(ByteBuffer b, int n) {
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("length " + Integer.toUnsignedString(n) + " with " + b.remaining() + " bytes left");
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        return n < 0 ? null : take(b, n);
    }

    private static String getString(ByteBuffer b) {
        return new String(getBytes(b), StandardCharsets.UTF_8);
    }
}
