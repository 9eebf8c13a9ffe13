package io.eventdedup.key;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Fingerprint form 2 of an Avro value: the value re-encoded by field name and value, independent of the writer schema's field
 * order, union branch order, enum symbol order and of fields that hold their schema default. It reads the Avro binary straight
 * from a {@link BinaryDecoder} (no GenericRecord is built) into one reused buffer.
 *
 * <pre>
 * enc(null)          = 'N'
 * enc(boolean b)     = 'B' 0x00|0x01
 * enc(number)        = 'I' int64 (8 bytes, big-endian)       when the value is an integer in the int64 range
 *                      'D' float64 bits (8 bytes)            other float/double values (float widened; one NaN)
 *                      'd' len text                          other decimals: BigDecimal.stripTrailingZeros().toString()
 *                      'w' int32 scale, len unscaled bytes   decimals wider than their declared precision (not normalised)
 * enc(string|bytes)  = 'S' len bytes                          (string and bytes promote to each other, so one tag)
 * enc(fixed)         = 'X' len bytes
 * enc(enum)          = 'E' len symbol-UTF-8                   (the symbol, never its index)
 * enc(array)         = 'A' count enc(item)...                 (order kept)
 * enc(map)           = 'M' count (len key enc(value))...      sorted by key bytes (unsigned); a repeated key: the last wins
 * enc(record)        = 'R' count (len name enc(value))...     sorted by field name, fields whose enc equals enc(default) left out
 * enc(union)         = enc(value of the branch)               (the branch index is not encoded)
 * len, count         = int32 big-endian
 * </pre>
 *
 * Nesting deeper than {@link PayloadInspector#MAX_NESTING_DEPTH} (a recursive schema) and a form larger than the budget are
 * UNDECODABLE, so a forged value costs neither the stack nor the heap. Not thread-safe: one per inspector.
 */
final class AvroCanonicalForm {
    private static final double TWO_TO_63 = 0x1p63;
    private static final int RETAINED_BUFFER_BYTES = 1 << 20;

    private final Map<Schema, RecordPlan> plans;
    private final Map<Schema, byte[][]> enumSymbols;
    private byte[] buf = new byte[1024];
    private int len;
    private long budget;
    /** Field and map-entry segment offsets of the containers being encoded, innermost on top. */
    private int[] stack = new int[64];
    private int sp;
    private IntSupplier remainingInput = () -> Integer.MAX_VALUE;
    /** Maps of at most this many entries are sorted by insertion into {@link #mapOrder}, without allocating. */
    static final int SMALL_MAP_ENTRIES = 32;
    private final int[] mapOrder = new int[SMALL_MAP_ENTRIES];

    AvroCanonicalForm() {
        this(new IdentityHashMap<>(), new IdentityHashMap<>());
    }

    private AvroCanonicalForm(Map<Schema, RecordPlan> plans, Map<Schema, byte[][]> enumSymbols) {
        this.plans = plans;
        this.enumSymbols = enumSymbols;
    }

    /** The plan of a top-level record: like a nested one, plus the fields left out as volatile. */
    RecordPlan topLevelPlan(Schema record, java.util.Set<String> volatileFields) {
        return new RecordPlan(record, volatileFields);
    }

    /** Starts a new value; its form may grow to {@code budgetBytes}; {@code remainingInput} says how many input bytes are left. */
    void begin(long budgetBytes, IntSupplier remainingInput) {
        if (buf.length > RETAINED_BUFFER_BYTES) buf = new byte[1024]; // one huge record does not pin its buffer for ever
        len = 0;
        sp = 0;
        budget = budgetBytes;
        this.remainingInput = remainingInput;
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    /**
     * Encodes the top-level record, leaving out its volatile fields, and records where each field starts and ends in the input:
     * {@code inputBounds[i]} is the input position before writer field i, {@code inputBounds[n]} the position after the last.
     */
    void topLevel(RecordPlan plan, BinaryDecoder d, IntSupplier inputPosition, int[] inputBounds) throws IOException, InvalidRecordException {
        record(plan, d, 1, inputPosition, inputBounds);
    }

    private void value(Schema s, BinaryDecoder d, int depth) throws IOException, InvalidRecordException {
        switch (s.getType()) {
            case NULL -> put((byte) 'N');
            case BOOLEAN -> {
                put((byte) 'B');
                put((byte) (d.readBoolean() ? 1 : 0));
            }
            case INT -> integer(d.readInt());
            case LONG -> integer(d.readLong());
            case FLOAT -> real(d.readFloat());
            case DOUBLE -> real(d.readDouble());
            case STRING -> raw((byte) 'S', d);
            case BYTES -> {
                if (s.getLogicalType() instanceof LogicalTypes.Decimal dec) decimal(dec, readLengthPrefixed(d));
                else raw((byte) 'S', d);
            }
            case FIXED -> {
                if (s.getLogicalType() instanceof LogicalTypes.Decimal dec) {
                    byte[] b = new byte[s.getFixedSize()];
                    d.readFixed(b);
                    decimal(dec, b);
                } else {
                    put((byte) 'X');
                    putInt(s.getFixedSize());
                    ensure(s.getFixedSize());
                    d.readFixed(buf, len, s.getFixedSize());
                    len += s.getFixedSize();
                }
            }
            case ENUM -> {
                int i = d.readEnum();
                byte[][] symbols = enumSymbols.computeIfAbsent(s, AvroCanonicalForm::symbolsOf);
                if (i < 0 || i >= symbols.length) throw undecodable("enum index " + i + " out of range for " + s.getFullName());
                put((byte) 'E');
                putBytes(symbols[i]);
            }
            case ARRAY -> array(s.getElementType(), d, depth + 1);
            case MAP -> map(s.getValueType(), d, depth + 1);
            case UNION -> {
                int i = d.readIndex();
                List<Schema> branches = s.getTypes();
                if (i < 0 || i >= branches.size()) throw undecodable("union index " + i + " out of range");
                value(branches.get(i), d, depth);
            }
            case RECORD -> record(planOf(s), d, depth + 1, null, null);
        }
    }

    private void record(RecordPlan plan, BinaryDecoder d, int depth, IntSupplier inputPosition, int[] inputBounds)
            throws IOException, InvalidRecordException {
        checkDepth(depth);
        int n = plan.fields.length;
        put((byte) 'R');
        int countAt = len;
        putInt(0);
        int base = sp;
        pushRoom(2 * n);
        int start = len;
        int included = 0;
        for (int i = 0; i < n; i++) {
            if (inputBounds != null) inputBounds[i] = inputPosition.getAsInt();
            int segment = len;
            putBytes(plan.names[i]);
            int valueAt = len;
            value(plan.fields[i].schema(), d, depth);
            if (plan.isVolatile[i] || plan.holdsDefault(i, buf, valueAt, len, this)) {
                len = segment;
                stack[base + 2 * i] = -1;
            } else {
                stack[base + 2 * i] = segment;
                stack[base + 2 * i + 1] = len;
                included++;
            }
        }
        if (inputBounds != null) inputBounds[n] = inputPosition.getAsInt();
        // Segments are in writer order; copy them after the end in name order and move that back.
        int end = len;
        ensure(end - start);
        for (int rank = 0; rank < n; rank++) {
            int i = plan.byName[rank];
            int from = stack[base + 2 * i];
            if (from < 0) continue;
            int to = stack[base + 2 * i + 1];
            System.arraycopy(buf, from, buf, len, to - from);
            len += to - from;
        }
        System.arraycopy(buf, end, buf, start, len - end);
        len = start + (len - end);
        setInt(countAt, included);
        sp = base;
    }

    private void array(Schema item, BinaryDecoder d, int depth) throws IOException, InvalidRecordException {
        checkDepth(depth);
        put((byte) 'A');
        int countAt = len;
        putInt(0);
        long count = 0;
        for (long block = d.readArrayStart(); block != 0; block = d.arrayNext()) {
            if (block < 0) throw undecodable("negative array block count " + block);
            for (long i = 0; i < block; i++) {
                value(item, d, depth);
                count++;
            }
        }
        if (count > Integer.MAX_VALUE) throw undecodable("array of " + count + " items");
        setInt(countAt, (int) count);
    }

    private void map(Schema valueType, BinaryDecoder d, int depth) throws IOException, InvalidRecordException {
        checkDepth(depth);
        put((byte) 'M');
        int countAt = len;
        putInt(0);
        int base = sp;
        int start = len;
        for (long block = d.readMapStart(); block != 0; block = d.mapNext()) {
            if (block < 0) throw undecodable("negative map block count " + block);
            for (long i = 0; i < block; i++) {
                int entry = len;
                lengthAndBytes(d); // the key
                value(valueType, d, depth);
                pushRoom(2);
                stack[sp - 2] = entry;
                stack[sp - 1] = len;
            }
        }
        int entries = (sp - base) / 2;
        int[] order = sortedEntries(base, entries);
        int end = len;
        ensure(end - start);
        int kept = 0;
        for (int r = 0; r < entries; r++) {
            int i = order[r];
            if (r + 1 < entries && compareKeys(buf, stack[base + 2 * i], stack[base + 2 * order[r + 1]]) == 0) continue; // last wins
            int from = stack[base + 2 * i];
            int to = stack[base + 2 * i + 1];
            System.arraycopy(buf, from, buf, len, to - from);
            len += to - from;
            kept++;
        }
        System.arraycopy(buf, end, buf, start, len - end);
        len = start + (len - end);
        setInt(countAt, kept);
        sp = base;
    }

    /**
     * The map's entries (offset pairs from {@code stack[base]}) in key order, stably (repeated keys stay in input order), in a
     * reused array valid until the next call. Small maps, the usual case, are insertion-sorted in place of a boxed sort.
     */
    private int[] sortedEntries(int base, int entries) {
        if (entries > SMALL_MAP_ENTRIES) {
            Integer[] boxed = new Integer[entries];
            for (int i = 0; i < entries; i++) boxed[i] = i;
            final int[] st = stack;
            final byte[] b = buf;
            Arrays.sort(boxed, (x, y) -> compareKeys(b, st[base + 2 * x], st[base + 2 * y])); // stable
            int[] order = new int[entries];
            for (int i = 0; i < entries; i++) order[i] = boxed[i];
            return order;
        }
        int[] order = mapOrder;
        for (int i = 0; i < entries; i++) {
            int entry = i, key = stack[base + 2 * i];
            int j = i - 1;
            while (j >= 0 && compareKeys(buf, stack[base + 2 * order[j]], key) > 0) { // strictly greater: stable
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = entry;
        }
        return order;
    }

    /** Compares the length-prefixed keys at two entry offsets, as unsigned bytes. */
    private static int compareKeys(byte[] b, int x, int y) {
        int xl = getInt(b, x);
        int yl = getInt(b, y);
        return Arrays.compareUnsigned(b, x + 4, x + 4 + xl, b, y + 4, y + 4 + yl);
    }

    private void integer(long v) throws InvalidRecordException {
        put((byte) 'I');
        putLong(v);
    }

    private void real(double v) throws InvalidRecordException {
        if (v == Math.rint(v) && v >= -TWO_TO_63 && v < TWO_TO_63) {
            integer((long) v); // also -0.0
        } else {
            put((byte) 'D');
            putLong(Double.doubleToLongBits(v)); // one NaN
        }
    }

    private void decimal(LogicalTypes.Decimal type, byte[] unscaledBytes) throws InvalidRecordException {
        if (unscaledBytes.length == 0) {
            integer(0);
            return;
        }
        BigInteger unscaled = new BigInteger(unscaledBytes);
        // A value within its declared precision has at most ceil(p·log2 10) bits; a forged wider one is not normalised, which
        // would cost time quadratic in its length.
        if (unscaled.bitLength() > Math.ceil(type.getPrecision() * 3.3219280948873626)) {
            put((byte) 'w');
            putInt(type.getScale());
            putBytes(unscaledBytes);
            return;
        }
        BigDecimal v = new BigDecimal(unscaled, type.getScale()).stripTrailingZeros();
        if (v.scale() <= 0 && v.precision() - v.scale() <= 19) { // at most 19 integer digits: maybe an int64
            try {
                integer(v.longValueExact());
                return;
            } catch (ArithmeticException beyondInt64) {
                // falls through to the text form
            }
        }
        put((byte) 'd');
        putBytes(v.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** A string or bytes value: tag, then its length and bytes copied straight from the input. */
    private void raw(byte tag, BinaryDecoder d) throws IOException, InvalidRecordException {
        put(tag);
        lengthAndBytes(d);
    }

    private void lengthAndBytes(BinaryDecoder d) throws IOException, InvalidRecordException {
        int n = checkedLength(d);
        putInt(n);
        ensure(n);
        d.readFixed(buf, len, n);
        len += n;
    }

    private byte[] readLengthPrefixed(BinaryDecoder d) throws IOException, InvalidRecordException {
        byte[] b = new byte[checkedLength(d)];
        d.readFixed(b);
        return b;
    }

    /** A length prefix, checked against what is left of the input before anything is allocated for it. */
    private int checkedLength(BinaryDecoder d) throws IOException, InvalidRecordException {
        long n = d.readLong();
        int left = remainingInput.getAsInt();
        if (n < 0 || n > left) throw undecodable("length prefix " + n + " with " + left + " bytes left");
        return (int) n;
    }

    private static void checkDepth(int depth) throws InvalidRecordException {
        if (depth > PayloadInspector.MAX_NESTING_DEPTH) {
            throw undecodable("Avro value nested deeper than " + PayloadInspector.MAX_NESTING_DEPTH + " levels");
        }
    }

    private static InvalidRecordException undecodable(String detail) {
        return new InvalidRecordException(InvalidReason.UNDECODABLE, detail);
    }

    // ---- buffer ----------------------------------------------------------------------------------------------------------

    private void ensure(int more) throws InvalidRecordException {
        long need = (long) len + more;
        if (need > budget) throw undecodable("canonical form would exceed " + budget + " bytes");
        if (need > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(budget, Math.max(need, 2L * buf.length)));
    }

    private void put(byte b) throws InvalidRecordException {
        ensure(1);
        buf[len++] = b;
    }

    private void putInt(int v) throws InvalidRecordException {
        ensure(4);
        setInt(len, v);
        len += 4;
    }

    private void putLong(long v) throws InvalidRecordException {
        ensure(8);
        for (int i = 7; i >= 0; i--) buf[len++] = (byte) (v >>> (8 * i));
    }

    private void putBytes(byte[] b) throws InvalidRecordException {
        putInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void setInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private void pushRoom(int n) {
        if (sp + n > stack.length) stack = Arrays.copyOf(stack, Math.max(sp + n, 2 * stack.length));
        sp += n;
    }

    // ---- plans -----------------------------------------------------------------------------------------------------------

    private RecordPlan planOf(Schema record) {
        RecordPlan p = plans.get(record);
        if (p == null) {
            p = new RecordPlan(record, java.util.Set.of());
            plans.put(record, p);
        }
        return p;
    }

    private static byte[][] symbolsOf(Schema e) {
        return e.getEnumSymbols().stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** The form of one field's default, computed once: the default written as Avro binary, then read back as any value is. */
    private byte[] defaultForm(Schema.Field f) {
        try {
            Object value = GenericData.get().getDefaultValue(f);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(f.schema()).write(value, enc);
            enc.flush();
            byte[] bin = out.toByteArray();
            AvroCanonicalForm sub = new AvroCanonicalForm(plans, enumSymbols);
            BinaryDecoder d = DecoderFactory.get().binaryDecoder(bin, null);
            java.io.InputStream left = d.inputStream();
            sub.begin(Math.max(1 << 20, 64L * bin.length), () -> available(left));
            sub.value(f.schema(), d, 1);
            return Arrays.copyOf(sub.buf, sub.len);
        } catch (IOException | InvalidRecordException | RuntimeException e) {
            return null; // a default that cannot be written: the field is always part of the fingerprint
        }
    }

    /** One record schema's fields, in writer order and by name, with their defaults' forms (computed on first use). */
    final class RecordPlan {
        final Schema.Field[] fields;
        final byte[][] names;
        final boolean[] isVolatile;
        /** Writer field indexes in name order. */
        final int[] byName;
        private final byte[][] defaults;
        private final boolean[] defaultKnown;

        RecordPlan(Schema record, java.util.Set<String> volatileFields) {
            List<Schema.Field> fs = record.getFields();
            int n = fs.size();
            fields = fs.toArray(Schema.Field[]::new);
            names = new byte[n][];
            isVolatile = new boolean[n];
            for (int i = 0; i < n; i++) {
                names[i] = fields[i].name().getBytes(StandardCharsets.UTF_8);
                isVolatile[i] = volatileFields.contains(fields[i].name());
            }
            byName = java.util.stream.IntStream.range(0, n).boxed()
                    .sorted((a, b) -> Arrays.compareUnsigned(names[a], names[b])).mapToInt(Integer::intValue).toArray();
            defaults = new byte[n][];
            defaultKnown = new boolean[n];
        }

        boolean holdsDefault(int i, byte[] b, int from, int to, AvroCanonicalForm form) {
            if (!defaultKnown[i]) {
                defaults[i] = fields[i].hasDefaultValue() ? form.defaultForm(fields[i]) : null;
                defaultKnown[i] = true;
            }
            byte[] def = defaults[i];
            return def != null && Arrays.equals(def, 0, def.length, b, from, to);
        }
    }

    static int available(java.io.InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }
}
