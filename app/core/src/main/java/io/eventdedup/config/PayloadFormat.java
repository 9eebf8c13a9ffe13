package io.eventdedup.config;

/** How a source's record values are encoded. */
public enum PayloadFormat {
    /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
    AVRO,
    /** UTF-8 JSON object. */
    JSON
}
