package io.eventdedup.serde;

import java.nio.ByteBuffer;

/** Confluent's wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body. */
public final class ConfluentWireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {}

    /** True when {@code value} is long enough and starts with the magic byte. */
    public static boolean looksFramed(byte[] value) {
        return value != null && value.length >= HEADER_SIZE && value[0] == MAGIC;
    }

    public static int schemaId(byte[] value) {
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** Writes the 5-byte header; the Avro body follows in the same stream. */
    public static void writeHeader(java.io.ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    public static byte[] frame(int schemaId, byte[] avroBody) {
        return ByteBuffer.allocate(HEADER_SIZE + avroBody.length).put(MAGIC).putInt(schemaId).put(avroBody).array();
    }
}
