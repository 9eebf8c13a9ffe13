package io.eventdedup.release;

import io.eventdedup.key.InvalidReason;
import io.eventdedup.key.InvalidRecordException;
import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.ReleaseCommand;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseCommandParserTest {
    private final String scope = "release-parser-" + UUID.randomUUID();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
    private final ReleaseCommandParser parser = new ReleaseCommandParser(registry);

    @AfterEach
    void drop() {
        MockSchemaRegistry.drop(scope);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String json(String tenant, String keyField, String key, String reason, String requester) {
        return "{\"source\":\"hooks\",\"tenant\":\"" + tenant + "\",\"" + keyField + "\":\"" + key + "\",\"reason\":\"" + reason
                + "\",\"requester\":\"" + requester + "\"}";
    }

    private InvalidReason reasonOf(byte[] value) {
        try {
            parser.parse(value);
        } catch (InvalidRecordException e) {
            return e.reason();
        }
        throw new AssertionError("parsed: " + new String(value, StandardCharsets.UTF_8));
    }

    @Test
    void aJsonCommandNamingAnIdempotencyKeyIsReadFieldByField() throws InvalidRecordException {
        Release r = parser.parse(utf8(json("acme", "idempotency_key", "pay-ü", "billing 500", "worker-1")));
        assertThat(r).isEqualTo(new Release("hooks", "acme", "pay-ü", "idempotency_key", "billing 500", "worker-1"));
    }

    @Test
    void aFingerprintBecomesTheKeyTheFingerprintRuleMakesInLowerCase() throws InvalidRecordException {
        Release r = parser.parse(utf8(json("acme", "fingerprint", "AB".repeat(32), "r", "q")));
        assertThat(r.idempotencyKey()).isEqualTo("sha256:" + "ab".repeat(32));
        assertThat(r.namedBy()).isEqualTo("fingerprint");
    }

    @Test
    void unknownJsonFieldsAreIgnored() throws InvalidRecordException {
        assertThat(parser.parse(utf8("{\"v\":2," + json("acme", "idempotency_key", "k", "r", "q").substring(1))).idempotencyKey()).isEqualTo("k");
    }

    @Test
    void everyMalformedJsonCommandIsABadCommand() {
        assertThat(reasonOf(utf8("[1,2]"))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(""))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(json("acme", "idempotency_key", "k", "r", "q") + "{}"))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(json("", "idempotency_key", "k", "r", "q")))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(json("acme", "fingerprint", "xyz", "r", "q")))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(json("acme", "idempotency_key", "k", "r".repeat(ReleaseCommandParser.MAX_TEXT_CHARS + 1), "q"))))
                .isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8(json("acme", "idempotency_key", "k\\u0000", "r", "q")))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8("{\"source\":\"hooks\",\"tenant\":\"acme\",\"reason\":\"r\",\"requester\":\"q\"}"))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(utf8("[".repeat(100)))).isEqualTo(InvalidReason.BAD_COMMAND);
        assertThat(reasonOf(null)).isEqualTo(InvalidReason.BAD_COMMAND);
    }

    @Test
    void aCommandLargerThanTheCapIsRefusedBeforeItIsRead() {
        byte[] big = utf8(json("acme", "idempotency_key", "k".repeat(ReleaseCommandParser.MAX_COMMAND_BYTES), "r", "q"));
        assertThatThrownBy(() -> parser.parse(big)).isInstanceOf(InvalidRecordException.class).hasMessageContaining("more than " + ReleaseCommandParser.MAX_COMMAND_BYTES);
    }

    @Test
    void anAvroCommandIsReadUnderItsRegisteredWriterSchema() throws Exception {
        int id = registry.register(SchemaRegistry.valueSubject("dedup.control"), ReleaseCommand.getClassSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ReleaseCommand.class).write(ReleaseCommand.newBuilder().setSource("hooks").setTenant("acme")
                .setIdempotencyKey("pay-1").setReason("r").setRequester("q").build(), enc);
        enc.flush();
        assertThat(parser.parse(ConfluentWireFormat.frame(id, out.toByteArray())))
                .isEqualTo(new Release("hooks", "acme", "pay-1", "idempotency_key", "r", "q"));
    }

    @Test
    void anAvroWriterSchemaThatDoesNotResolveToReleaseCommandIsABadCommand() throws IOException {
        Schema other = SchemaBuilder.record("Other").fields().requiredString("source").endRecord();
        int id = registry.register("other-value", other);
        GenericRecord rec = new GenericData.Record(other);
        rec.put("source", "hooks");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(other).write(rec, enc);
        enc.flush();
        assertThat(reasonOf(ConfluentWireFormat.frame(id, out.toByteArray()))).isEqualTo(InvalidReason.BAD_COMMAND);
    }

    @Test
    void anAvroStringThatIsNotUtf8IsABadCommand() {
        int id = registry.register(SchemaRegistry.valueSubject("dedup.control"), ReleaseCommand.getClassSchema());
        // source "h", tenant 0xC3 0x28 (not UTF-8), key null, fingerprint null, reason "r", requester "q": zig-zag lengths
        byte[] body = {2, 'h', 4, (byte) 0xC3, 0x28, 0, 0, 2, 'r', 2, 'q'};
        assertThat(reasonOf(ConfluentWireFormat.frame(id, body))).isEqualTo(InvalidReason.BAD_COMMAND);
    }

    @Test
    void anAvroCommandUnderAnUnknownSchemaIdIsAnUnknownSchema() {
        assertThat(reasonOf(ConfluentWireFormat.frame(999, new byte[] {2, 'h'}))).isEqualTo(InvalidReason.UNKNOWN_SCHEMA);
    }
}
