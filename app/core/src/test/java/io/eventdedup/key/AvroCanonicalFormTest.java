package io.eventdedup.key;

import io.eventdedup.registry.MockSchemaRegistry;
import io.eventdedup.registry.SchemaRegistry;
import io.eventdedup.schemas.TelemetryEvent;
import io.eventdedup.schemas.TelemetryType;
import io.eventdedup.serde.ConfluentWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fingerprint form 2 of Avro values: what compatible evolution leaves alone and what a real change of a value does not. */
class AvroCanonicalFormTest {
    private static final String SCOPE = "avro-canonical-test";
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
    private final AvroPayloadInspector inspector = new AvroPayloadInspector(registry, List.of("id"), List.of("attempt"));
    private int subjects;

    private static final String ORDER_V1 = """
            {"type":"record","name":"Order","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"long"},
              {"name":"attempt","type":"int","default":1},
              {"name":"note","type":["null","string"],"default":null}]}""";
    /** v1 plus a field with a default, fields reordered, amount promoted long→double. */
    private static final String ORDER_V2 = """
            {"type":"record","name":"Order","fields":[
              {"name":"currency","type":"string","default":"EUR"},
              {"name":"note","type":["null","string"],"default":null},
              {"name":"amount","type":"double"},
              {"name":"id","type":"string"},
              {"name":"attempt","type":"int","default":1}]}""";

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    private byte[] fingerprint(String schema, Consumer<GenericRecord> fill) throws Exception {
        return inspector.inspect(encode(schema, fill)).fingerprint();
    }

    private byte[] encode(String schemaJson, Consumer<GenericRecord> fill) throws Exception {
        Schema schema = new Schema.Parser().parse(schemaJson);
        int id = registry.register(SchemaRegistry.valueSubject("s" + subjects++), schema);
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) if (f.hasDefaultValue()) r.put(f.name(), GenericData.get().getDefaultValue(f));
        fill.accept(r);
        return ConfluentWireFormat.frame(id, binary(schema, r));
    }

    static byte[] binary(Schema schema, Object datum) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void aRetryUnderANewerSchemaWithAnAddedDefaultedFieldReorderedFieldsAndPromotedTypesHasTheSameFingerprint() throws Exception {
        byte[] v1 = fingerprint(ORDER_V1, r -> { r.put("id", "o-1"); r.put("amount", 250L); r.put("attempt", 1); });
        byte[] v2 = fingerprint(ORDER_V2, r -> { r.put("id", "o-1"); r.put("amount", 250.0); r.put("attempt", 4); r.put("note", null); });
        assertThat(v2).isEqualTo(v1);
    }

    @Test
    void aRealChangeOfAValueIsADifferentFingerprintUnderEitherSchema() throws Exception {
        byte[] v1 = fingerprint(ORDER_V1, r -> { r.put("id", "o-1"); r.put("amount", 250L); });
        assertThat(fingerprint(ORDER_V2, r -> { r.put("id", "o-1"); r.put("amount", 251.0); r.put("note", null); })).isNotEqualTo(v1);
        assertThat(fingerprint(ORDER_V2, r -> { r.put("id", "o-1"); r.put("amount", 250.5); r.put("note", null); })).isNotEqualTo(v1);
        // the new field with a value other than its default is a different event
        assertThat(fingerprint(ORDER_V2, r -> { r.put("id", "o-1"); r.put("amount", 250.0); r.put("note", null); r.put("currency", "USD"); }))
                .isNotEqualTo(v1);
        // a union holding a value where the other release had the default
        assertThat(fingerprint(ORDER_V1, r -> { r.put("id", "o-1"); r.put("amount", 250L); r.put("note", "gift"); })).isNotEqualTo(v1);
    }

    @Test
    void aUnionValueIsEncodedByItsTypeNotItsBranchIndex() throws Exception {
        String nullFirst = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"ref","type":["null","string","long"]}]}""";
        String stringFirst = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"ref","type":["long","string","null"]}]}""";
        for (Object v : new Object[] {"x", null, 7L}) {
            assertThat(fingerprint(stringFirst, r -> { r.put("id", "a"); r.put("ref", v); }))
                    .as("%s", v).isEqualTo(fingerprint(nullFirst, r -> { r.put("id", "a"); r.put("ref", v); }));
        }
        assertThat(fingerprint(nullFirst, r -> { r.put("id", "a"); r.put("ref", "7"); }))
                .isNotEqualTo(fingerprint(nullFirst, r -> { r.put("id", "a"); r.put("ref", 7L); }));
    }

    @Test
    void changingAFieldsDefaultChangesTheFingerprintOfRecordsHoldingEitherDefault() throws Exception {
        // documented limit: "holds its default" is judged under each record's own writer schema
        String nullDefault = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null}]}""";
        String textDefault = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"note","type":["string","null"],"default":"n/a"}]}""";
        assertThat(fingerprint(textDefault, r -> { r.put("id", "a"); r.put("note", null); }))
                .isNotEqualTo(fingerprint(nullDefault, r -> { r.put("id", "a"); r.put("note", null); }));
    }

    @Test
    void aFieldHoldingItsDefaultIsLeftOutSoItsAbsenceFromAnOlderSchemaIsTheSameEvent() throws Exception {
        String withDefault = """
                {"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},
                  {"name":"note","type":["null","string"],"default":null},{"name":"tags","type":{"type":"array","items":"string"},"default":[]}]}""";
        String without = """
                {"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}""";
        byte[] a = fingerprint(withDefault, r -> { r.put("id", "o-1"); r.put("amount", 5L); });
        byte[] b = fingerprint(without, r -> { r.put("id", "o-1"); r.put("amount", 5L); });
        assertThat(a).isEqualTo(b);
        assertThat(fingerprint(withDefault, r -> { r.put("id", "o-1"); r.put("amount", 5L); r.put("tags", List.of("x")); })).isNotEqualTo(b);
    }

    @Test
    void nestedRecordsMapsAndEnumsCompareByNameKeyAndSymbol() throws Exception {
        String v1 = """
                {"type":"record","name":"E","fields":[{"name":"id","type":"string"},
                  {"name":"who","type":{"type":"record","name":"Who","fields":[{"name":"name","type":"string"}]}},
                  {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
                  {"name":"labels","type":{"type":"map","values":"string"}}]}""";
        String v2 = """
                {"type":"record","name":"E","fields":[{"name":"id","type":"string"},
                  {"name":"who","type":{"type":"record","name":"Who","fields":[{"name":"role","type":"string","default":"user"},{"name":"name","type":"string"}]}},
                  {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["C","B","A"]}},
                  {"name":"labels","type":{"type":"map","values":"string"}}]}""";
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        byte[] first = fingerprint(v1, r -> fillNested(r, "ann", "B", ab, null));
        assertThat(fingerprint(v2, r -> fillNested(r, "ann", "B", ba, "user"))).isEqualTo(first);
        assertThat(fingerprint(v2, r -> fillNested(r, "ann", "B", ba, "admin"))).isNotEqualTo(first);
        assertThat(fingerprint(v2, r -> fillNested(r, "ann", "A", ba, "user"))).isNotEqualTo(first);
        assertThat(fingerprint(v2, r -> fillNested(r, "ann", "B", Map.of("a", "1", "b", "3"), "user"))).isNotEqualTo(first);
        assertThat(fingerprint(v2, r -> fillNested(r, "bob", "B", ba, "user"))).isNotEqualTo(first);
    }

    private static void fillNested(GenericRecord r, String name, String kind, Map<String, String> labels, String role) {
        Schema whoSchema = r.getSchema().getField("who").schema();
        GenericRecord who = new GenericData.Record(whoSchema);
        who.put("name", name);
        if (role != null) who.put("role", role);
        r.put("id", "e-1");
        r.put("who", who);
        r.put("kind", new GenericData.EnumSymbol(r.getSchema().getField("kind").schema(), kind));
        r.put("labels", labels);
    }

    private static final String MAP_SCHEMA = """
            {"type":"record","name":"M","fields":[{"name":"id","type":"string"},{"name":"m","type":{"type":"map","values":"int"}}]}""";

    @Test
    void aSmallMapIsEncodedInKeyOrderAsTheFormSays() throws Exception {
        Map<String, Integer> reversed = new LinkedHashMap<>();
        reversed.put("c", 3);
        reversed.put("b", 2);
        reversed.put("a", 1);
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(form);
        out.write(Fingerprints.AVRO_FORM_2);
        out.writeByte('R');
        out.writeInt(2);
        out.writeInt(2);
        out.writeBytes("id");
        out.writeByte('S');
        out.writeInt(1);
        out.writeBytes("x");
        out.writeInt(1);
        out.writeBytes("m");
        out.writeByte('M');
        out.writeInt(3);
        for (String k : List.of("a", "b", "c")) {
            out.writeInt(1);
            out.writeBytes(k);
            out.writeByte('I');
            out.writeLong(k.charAt(0) - 'a' + 1);
        }
        byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(form.toByteArray());
        assertThat(fingerprint(MAP_SCHEMA, r -> { r.put("id", "x"); r.put("m", reversed); })).isEqualTo(expected);
    }

    @Test
    void mapsSmallAndLargeHaveOneFingerprintWhateverTheirEntriesOrder() throws Exception {
        for (int size : List.of(5, AvroCanonicalForm.SMALL_MAP_ENTRIES, AvroCanonicalForm.SMALL_MAP_ENTRIES + 1, 100)) {
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) keys.add("k" + (i * 7919 % 1000));
            Map<String, Integer> ascending = new java.util.TreeMap<>();
            keys.forEach(k -> ascending.put(k, k.hashCode()));
            Map<String, Integer> shuffled = new LinkedHashMap<>();
            List<String> order = new java.util.ArrayList<>(ascending.keySet());
            java.util.Collections.shuffle(order, new java.util.Random(size));
            order.forEach(k -> shuffled.put(k, ascending.get(k)));
            byte[] a = fingerprint(MAP_SCHEMA, r -> { r.put("id", "x"); r.put("m", ascending); });
            byte[] b = fingerprint(MAP_SCHEMA, r -> { r.put("id", "x"); r.put("m", shuffled); });
            assertThat(b).as("%d entries", size).isEqualTo(a);
            Map<String, Integer> changed = new LinkedHashMap<>(shuffled);
            changed.put(order.get(0), changed.get(order.get(0)) + 1);
            assertThat(fingerprint(MAP_SCHEMA, r -> { r.put("id", "x"); r.put("m", changed); })).as("%d entries", size).isNotEqualTo(a);
        }
    }

    @Test
    void aMapKeyRepeatedInTheBinaryCountsOnceWithTheLastValueAsAvroReadsIt() throws Exception {
        String schema = """
                {"type":"record","name":"M","fields":[{"name":"id","type":"string"},{"name":"m","type":{"type":"map","values":"int"}}]}""";
        byte[] once = fingerprint(schema, r -> { r.put("id", "x"); r.put("m", Map.of("k", 2)); });
        Schema s = new Schema.Parser().parse(schema);
        int id = registry.register(SchemaRegistry.valueSubject("repeat"), s);
        // id "x", then one map block of two entries k→1, k→2, then the end of the map
        byte[] body = {2, 'x', 4, 2, 'k', 2, 2, 'k', 4, 0};
        assertThat(inspector.inspect(ConfluentWireFormat.frame(id, body)).fingerprint()).isEqualTo(once);
    }

    @Test
    void decimalsCompareByValueWhateverTheirScaleAndIntegralOnesEqualTheInteger() throws Exception {
        String scale2 = """
                {"type":"record","name":"P","fields":[{"name":"id","type":"string"},
                  {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}""";
        String scale1Fixed = """
                {"type":"record","name":"P","fields":[{"name":"id","type":"string"},
                  {"name":"price","type":{"type":"fixed","name":"Price","size":8,"logicalType":"decimal","precision":10,"scale":1}}]}""";
        String asLong = """
                {"type":"record","name":"P","fields":[{"name":"id","type":"string"},{"name":"price","type":"long"}]}""";
        byte[] a = fingerprint(scale2, r -> { r.put("id", "p"); r.put("price", ByteBuffer.wrap(BigInteger.valueOf(150).toByteArray())); }); // 1.50
        byte[] b = fingerprint(scale1Fixed, r -> { r.put("id", "p"); r.put("price", fixed(r, 15)); }); // 1.5
        byte[] c = fingerprint(scale2, r -> { r.put("id", "p"); r.put("price", ByteBuffer.wrap(BigInteger.valueOf(151).toByteArray())); });
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        byte[] two = fingerprint(scale2, r -> { r.put("id", "p"); r.put("price", ByteBuffer.wrap(BigInteger.valueOf(200).toByteArray())); });
        assertThat(fingerprint(asLong, r -> { r.put("id", "p"); r.put("price", 2L); })).isEqualTo(two);
    }

    private static GenericData.Fixed fixed(GenericRecord r, long unscaled) {
        byte[] b = ByteBuffer.allocate(8).putLong(unscaled).array();
        return new GenericData.Fixed(r.getSchema().getField("price").schema(), b);
    }

    @Test
    void floatPromotedToDoubleAndIntegralDoublesMatchWhileNaNIsOneValue() throws Exception {
        String f = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"v","type":"float"}]}""";
        String d = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"v","type":"double"}]}""";
        assertThat(fingerprint(d, r -> { r.put("id", "a"); r.put("v", (double) 1.1f); }))
                .isEqualTo(fingerprint(f, r -> { r.put("id", "a"); r.put("v", 1.1f); }));
        assertThat(fingerprint(d, r -> { r.put("id", "a"); r.put("v", Double.longBitsToDouble(0x7ff8000000000123L)); }))
                .isEqualTo(fingerprint(d, r -> { r.put("id", "a"); r.put("v", Double.NaN); }));
        assertThat(fingerprint(d, r -> { r.put("id", "a"); r.put("v", -0.0); })).isEqualTo(fingerprint(d, r -> { r.put("id", "a"); r.put("v", 0.0); }));
        assertThat(fingerprint(d, r -> { r.put("id", "a"); r.put("v", 1.1); })).isNotEqualTo(fingerprint(f, r -> { r.put("id", "a"); r.put("v", 1.1f); }));
    }

    @Test
    void stringsAndBytesOfTheSameContentAreOneValueAsAvroPromotesBetweenThem() throws Exception {
        String s = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"body","type":"string"}]}""";
        String b = """
                {"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"body","type":"bytes"}]}""";
        assertThat(fingerprint(b, r -> { r.put("id", "a"); r.put("body", ByteBuffer.wrap("hi".getBytes())); }))
                .isEqualTo(fingerprint(s, r -> { r.put("id", "a"); r.put("body", "hi"); }));
    }

    @Test
    void volatileFieldsStayOutAndKeyFieldsAreStillDecoded() throws Exception {
        byte[] value = encode(ORDER_V1, r -> { r.put("id", "o-9"); r.put("amount", 1L); r.put("attempt", 3); });
        PayloadFacts f = inspector.inspect(value);
        assertThat(f.fields()).containsOnly(Map.entry("id", "o-9"));
        assertThat(fingerprint(ORDER_V1, r -> { r.put("id", "o-9"); r.put("amount", 1L); r.put("attempt", 7); })).isEqualTo(f.fingerprint());
    }

    @Test
    void theDedupStepsForm1OfAnAvroValueIsTheOneTheInspectorComputedWithItAndKeyingLeavesItOut() throws Exception {
        java.util.List<io.eventdedup.config.ConfigProblem> problems = new java.util.ArrayList<>();
        io.eventdedup.config.SourceConfig source = new io.eventdedup.config.SourcesParser(Map.of("sources", "orders",
                "source.orders.input.topics", "in", "source.orders.output.topic", "out", "source.orders.format", "avro",
                "source.orders.key.rules", "field:id", "source.orders.tenant.default", "acme", "source.orders.retry.horizon", "1h",
                "source.orders.fingerprint.volatile-fields", "attempt"), problems).parse().get(0);
        assertThat(problems).isEmpty();
        byte[] value = encode(ORDER_V1, r -> { r.put("id", "o-9"); r.put("amount", 1L); r.put("attempt", 3); });
        byte[] expected = new AvroPayloadInspector(registry, List.of("id"), List.of("attempt"), true).inspect(value).legacyFingerprint();
        assertThat(expected).isNotNull();
        assertThat(Form1Fingerprints.of(source, registry).of(value)).isEqualTo(expected);
        assertThat(new DedupKeyResolver(source, registry).resolve(new org.apache.kafka.common.header.internals.RecordHeaders(), value)
                .legacyFingerprint()).isNull();
    }

    @Test
    void aRecursiveSchemaNested100000DeepIsUndecodableNotAStackOverflow() throws Exception {
        Schema node = new Schema.Parser().parse("""
                {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}""");
        int id = registry.register(SchemaRegistry.valueSubject("node"), node);
        byte[] body = new byte[100_001];
        Arrays.fill(body, (byte) 2); // union branch 1 (Node), again and again
        body[100_000] = 0; // and finally null
        assertUndecodable(ConfluentWireFormat.frame(id, body), "nested deeper than 256");
        byte[] shallow = new byte[201];
        Arrays.fill(shallow, (byte) 2);
        shallow[200] = 0;
        assertThat(new AvroPayloadInspector(registry, List.of(), List.of()).inspect(ConfluentWireFormat.frame(id, shallow)).fingerprint()).hasSize(32);
    }

    @Test
    void aForgedCountOfEmptyItemsOrAForgedLengthIsUndecodableWithoutTheMemory() {
        Schema nulls = new Schema.Parser().parse("""
                {"type":"record","name":"N","fields":[{"name":"a","type":{"type":"array","items":"null"}}]}""");
        int id = registry.register(SchemaRegistry.valueSubject("nulls"), nulls);
        // one block of 2^30 nulls: five bytes of input that claim a gigabyte of canonical form
        byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0};
        assertUndecodable(ConfluentWireFormat.frame(id, body), "canonical form would exceed");
        Schema str = new Schema.Parser().parse("""
                {"type":"record","name":"S","fields":[{"name":"s","type":"string"}]}""");
        int sid = registry.register(SchemaRegistry.valueSubject("str"), str);
        byte[] forged = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'a'}; // length 2^31-1, one byte follows
        assertUndecodable(ConfluentWireFormat.frame(sid, forged), "length prefix");
    }

    @Test
    void aForgedUnionOrEnumIndexIsUndecodable() {
        Schema u = new Schema.Parser().parse("""
                {"type":"record","name":"U","fields":[{"name":"u","type":["null","string"]},{"name":"e","type":{"type":"enum","name":"K","symbols":["A"]}}]}""");
        int id = registry.register(SchemaRegistry.valueSubject("u"), u);
        assertUndecodable(ConfluentWireFormat.frame(id, new byte[] {6, 0}), "union index");
        assertUndecodable(ConfluentWireFormat.frame(id, new byte[] {0, 4}), "enum index");
    }

    private void assertUndecodable(byte[] value, String detail) {
        assertThatThrownBy(() -> inspector.inspect(value)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(detail)
                .extracting(e -> ((InvalidRecordException) e).reason()).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void theLegacyFingerprintIsTheOneEarlierReleasesStored() throws Exception {
        // form 1: SHA-256 of the body without the volatile fields; attempt and sent_at are TelemetryEvent's last two fields, so
        // it is the hash of the bytes of the first eight fields, which a schema of just those eight encodes identically.
        TelemetryEvent e = TelemetryEvent.newBuilder().setEventId("e-1").setTenantId("acme").setDeviceId("d").setType(TelemetryType.USAGE)
                .setOccurredAt(Instant.ofEpochMilli(1_000)).setMetrics(Map.of("cpu", 0.5)).setUsageUnits(12L)
                .setAttempt(3).setSentAt(Instant.ofEpochMilli(9)).build();
        int id = registry.register(SchemaRegistry.valueSubject("telemetry"), TelemetryEvent.getClassSchema());
        byte[] value = AvroPayloadInspectorTest.encode(id, e);
        AvroPayloadInspector telemetry = new AvroPayloadInspector(registry, List.of("event_id"), List.of("attempt", "sent_at"));
        PayloadFacts f = telemetry.inspect(value);

        Schema full = TelemetryEvent.getClassSchema();
        Schema firstEight = Schema.createRecord("TelemetryEvent", null, "io.eventdedup.schemas", false,
                full.getFields().subList(0, 8).stream().map(x -> new Schema.Field(x, x.schema())).toList());
        GenericRecord r = new GenericData.Record(firstEight);
        for (int i = 0; i < 8; i++) r.put(i, e.get(i) instanceof Instant t ? t.toEpochMilli() : e.get(i));
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(binary(firstEight, r));
        assertThat(f.legacyFingerprint()).isEqualTo(expected);
        assertThat(f.fingerprint()).isNotEqualTo(expected);
        assertThat(new AvroPayloadInspector(registry, List.of("event_id"), List.of("attempt", "sent_at"), false).inspect(value).legacyFingerprint()).isNull();
    }
}
