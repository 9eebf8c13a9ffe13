package io.eventdedup.release;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.registry.SchemaNotFoundException;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.ReleaseCommand;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads one control-topic value as a release command, JSON (a UTF-8 object) or Avro (Confluent wire format, any writer schema
 * that resolves to {@code schemas/ReleaseCommand.avsc}), told apart by the first byte: the wire format's magic byte 0 cannot start
 * JSON. Every field is untrusted: a value that is too large, undecodable, or misses or misforms a field is refused with
 * {@link InvalidReason#BAD_COMMAND} (an Avro value naming a schema id the registry does not have: {@link InvalidReason#UNKNOWN_SCHEMA}).
 * A registry outage is not the command's fault and is thrown as it is. Not thread-safe: one per stream task.
 */
public final class ReleaseCommandParser {
    /** The largest command value read; a release names a key, it carries no payload. */
    public static final int MAX_COMMAND_BYTES = 16 * 1024;
    /** Longest reason or requester kept. */
    public static final int MAX_TEXT_CHARS = 512;
    /** Longest source name or tenant or key read before the source's own max-key-chars applies. */
    static final int MAX_NAME_CHARS = 4096;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    static final String FINGERPRINT_PREFIX = "sha256:";

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(MAX_COMMAND_BYTES).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final SchemaRegistry registry;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private BinaryDecoder decoder;

    public ReleaseCommandParser(SchemaRegistry registry) {
        this.registry = registry;
    }

    public Release parse(byte[] value) throws InvalidRecordException {
        if (value == null) throw bad("command has no value (tombstone)");
        if (value.length > MAX_COMMAND_BYTES) throw bad("command is " + value.length + " bytes, more than " + MAX_COMMAND_BYTES);
        if (value.length > 0 && value[0] == ConfluentWireFormat.MAGIC) return fromAvro(value);
        return fromJson(value);
    }

    private Release fromJson(byte[] value) throws InvalidRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            throw bad("command is neither Avro (Confluent wire format) nor a JSON object: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw bad("command is JSON but not an object");
        return checked(jsonText(root, "source"), jsonText(root, "tenant"), jsonText(root, "idempotency_key"), jsonText(root, "fingerprint"),
                jsonText(root, "reason"), jsonText(root, "requester"));
    }

    private static String jsonText(JsonNode root, String field) throws InvalidRecordException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw bad("field " + field + " must be a string, is " + n.getNodeType().name().toLowerCase(Locale.ROOT));
        return n.textValue();
    }

    private Release fromAvro(byte[] value) throws InvalidRecordException {
        if (!ConfluentWireFormat.looksFramed(value)) throw bad("command starts with the Avro magic byte but is shorter than the 5-byte header");
        int id = ConfluentWireFormat.schemaId(value);
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaNotFoundException e) { // an outage (RegistryUnavailableException) is thrown on: it pauses processing
            throw new InvalidRecordException(InvalidReason.UNKNOWN_SCHEMA, "command names schema id " + id + ", which the registry does not have");
        }
        GenericRecord r;
        try {
            decoder = DecoderFactory.get().binaryDecoder(value, ConfluentWireFormat.HEADER_SIZE, value.length - ConfluentWireFormat.HEADER_SIZE, decoder);
            r = new GenericDatumReader<GenericRecord>(writer, ReleaseCommand.getClassSchema()).read(null, decoder);
            if (!decoder.isEnd()) throw bad("command has bytes after its Avro record (schema id " + id + ")");
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw bad("command cannot be decoded as a ReleaseCommand with writer schema id " + id + ": " + firstLine(e.getMessage()));
        }
        return checked(avroText(r, "source"), avroText(r, "tenant"), avroText(r, "idempotency_key"), avroText(r, "fingerprint"),
                avroText(r, "reason"), avroText(r, "requester"));
    }

    /** A string field as strict UTF-8: Avro's own decoding would replace bad bytes silently. */
    private String avroText(GenericRecord r, String field) throws InvalidRecordException {
        Object v = r.get(field);
        if (v == null) return null;
        if (!(v instanceof Utf8 u)) return v.toString();
        try {
            return utf8.decode(ByteBuffer.wrap(u.getBytes(), 0, u.getByteLength())).toString();
        } catch (CharacterCodingException e) {
            throw bad("field " + field + " is not valid UTF-8");
        }
    }

    /** The command's fields, each present, within its cap, and the key named exactly once. */
    private static Release checked(String source, String tenant, String key, String fingerprint, String reason,
                                                               String requester) throws InvalidRecordException {
        required("source", source, MAX_NAME_CHARS);
        required("tenant", tenant, MAX_NAME_CHARS);
        required("reason", reason, MAX_TEXT_CHARS);
        required("requester", requester, MAX_TEXT_CHARS);
        boolean byKey = key != null && !key.isEmpty();
        boolean byFingerprint = fingerprint != null && !fingerprint.isEmpty();
        if (byKey == byFingerprint) throw bad("name the key by exactly one of idempotency_key and fingerprint");
        if (byKey) {
            required("idempotency_key", key, MAX_NAME_CHARS);
            return new Release(source, tenant, key, "idempotency_key", reason, requester);
        }
        if (!SHA256_HEX.matcher(fingerprint).matches()) throw bad("fingerprint must be 64 hex characters (SHA-256), is " + fingerprint.length() + " characters");
        return new Release(source, tenant, FINGERPRINT_PREFIX + fingerprint.toLowerCase(Locale.ROOT), "fingerprint",
                reason, requester);
    }

    private static void required(String field, String value, int maxChars) throws InvalidRecordException {
        if (value == null || value.isBlank()) throw bad("field " + field + " is missing or empty");
        if (value.length() > maxChars) throw bad("field " + field + " is " + value.length() + " characters, more than " + maxChars);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) throw bad("field " + field + " contains a control character");
        }
    }

    private static InvalidRecordException bad(String detail) {
        return new InvalidRecordException(InvalidReason.BAD_COMMAND, detail);
    }

    private static String firstLine(String message) {
        if (message == null) return "no detail";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
