package io.eventdedup.key;

import io.eventdedup.config.KeyRule;
import io.eventdedup.config.PayloadFormat;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.config.TenantRule;
import io.eventdedup.registry.SchemaRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one input record of a source into its {@link ResolvedKey}, applying the source's tenant and key rules in order, or says why
 * it cannot ({@link InvalidRecordException}). Not thread-safe: one per stream task.
 */
public final class DedupKeyResolver {
    static final String FINGERPRINT_KEY_PREFIX = "sha256:";

    private final SourceConfig source;
    private final PayloadInspector inspector;
    private final MessageDigest sha = Sha256.newDigest();
    /** Strict UTF-8 for header values; {@link CharsetDecoder#decode(ByteBuffer)} resets it on every use. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public DedupKeyResolver(SourceConfig source, SchemaRegistry registry) {
        this.source = source;
        Set<String> wanted = new LinkedHashSet<>();
        source.keyRules().forEach(r -> { if (r instanceof KeyRule.Field f) wanted.add(f.path()); });
        source.tenantRules().forEach(r -> { if (r instanceof TenantRule.Field f) wanted.add(f.path()); });
        source.stale().ifPresent(s -> { wanted.add(s.entityField()); wanted.add(s.sequenceField()); });
        // Form 1 is not computed here: the dedup step computes it only when a stored entry may hold it (Form1Fingerprints).
        this.inspector = source.format() == PayloadFormat.AVRO
                ? new AvroPayloadInspector(registry, wanted, source.volatileFields(), false)
                : new JsonPayloadInspector(wanted, source.volatileFields(), false);
    }

    public ResolvedKey resolve(Headers headers, byte[] value) throws InvalidRecordException {
        if (value == null) throw new InvalidRecordException(InvalidReason.NULL_VALUE, "record value is null");
        if (value.length > source.maxRecordBytes()) {
            throw new InvalidRecordException(InvalidReason.OVERSIZED,
                    "value is " + value.length + " bytes, more than max-record-bytes " + source.maxRecordBytes());
        }
        PayloadFacts facts = inspector.inspect(value);

        String tenant = null;
        for (TenantRule rule : source.tenantRules()) {
            tenant = rule instanceof TenantRule.Header h ? header(headers, h.name(), "tenant") : facts.fields().get(((TenantRule.Field) rule).path());
            if (tenant != null && !tenant.isEmpty()) break;
            tenant = null;
        }
        if (tenant == null) tenant = source.defaultTenant().orElse(null);
        if (tenant == null) {
            throw new InvalidRecordException(InvalidReason.NO_TENANT, "no tenant: tried " + describeTenantRules() + " and the source has no default tenant");
        }
        checkLength("tenant", tenant);

        String key = null;
        String keyRule = null;
        for (KeyRule rule : source.keyRules()) {
            if (rule instanceof KeyRule.Header h) key = header(headers, h.name(), "idempotency key");
            else if (rule instanceof KeyRule.Field f) key = facts.fields().get(f.path());
            else key = FINGERPRINT_KEY_PREFIX + Sha256.hex(facts.fingerprint());
            if (key != null && !key.isEmpty()) {
                keyRule = rule.describe();
                break;
            }
            key = null;
        }
        if (key == null) {
            throw new InvalidRecordException(InvalidReason.NO_KEY, "no idempotency key: tried " + describeKeyRules());
        }
        checkLength("idempotency key", key);
        EntitySequence sequence = entitySequence(facts, tenant);
        return new ResolvedKey(tenant, key, keyRule, facts.fingerprint(), null, DedupKeys.storeKey(sha, source.name(), tenant, key), sequence);
    }

    /** The entity and sequence of a stale-checked source's event (null for other sources); the entity obeys max-key-chars as keys do. */
    private EntitySequence entitySequence(PayloadFacts facts, String tenant) throws InvalidRecordException {
        if (source.stale().isEmpty()) return null;
        EntitySequence s = Sequences.read(source.stale().get(), facts.fields(), entity -> DedupKeys.storeKey(sha, source.name(), tenant, entity));
        checkLength("entity", s.entity());
        return s;
    }

    private void checkLength(String what, String s) throws InvalidRecordException {
        if (s.length() > source.maxKeyChars()) {
            throw new InvalidRecordException(InvalidReason.BAD_KEY, what + " is " + s.length() + " characters, more than max-key-chars " + source.maxKeyChars());
        }
    }

    /** The last header of that name, as strict UTF-8; null when absent. */
    private String header(Headers headers, String name, String what) throws InvalidRecordException {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) return null;
        try {
            return utf8.decode(ByteBuffer.wrap(h.value())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException(InvalidReason.BAD_KEY, what + " header " + name + " is not valid UTF-8");
        }
    }

    private String describeKeyRules() {
        List<String> d = new ArrayList<>();
        source.keyRules().forEach(r -> d.add(r.describe()));
        return String.join(", ", d);
    }

    private String describeTenantRules() {
        List<String> d = new ArrayList<>();
        source.tenantRules().forEach(r -> d.add(r.describe()));
        return d.isEmpty() ? "no tenant rules" : String.join(", ", d);
    }
}
