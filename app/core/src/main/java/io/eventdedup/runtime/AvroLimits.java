package io.eventdedup.runtime;

import io.eventdedup.config.AppConfig;
import io.eventdedup.config.SourceConfig;

/**
 * Caps the lengths Avro will allocate for one string or bytes field at the largest record a source accepts. Avro trusts the length
 * prefixes of untrusted input otherwise, and a forged prefix asks for gigabytes. Avro reads these properties once, so this must
 * run before any record is decoded; an operator's own -D setting wins. {@link DedupApplication#start} applies it, so every way of
 * starting an instance (the CLI, an embedding application, the tools) gets the cap.
 */
public final class AvroLimits {
    static final String STRING = "org.apache.avro.limits.string.maxLength";
    static final String BYTES = "org.apache.avro.limits.bytes.maxLength";

    private AvroLimits() {}

    public static void apply(AppConfig c) {
        int max = c.sources().stream().mapToInt(SourceConfig::maxRecordBytes).max().orElse(1 << 20);
        if (System.getProperty(STRING) == null) System.setProperty(STRING, Integer.toString(max));
        if (System.getProperty(BYTES) == null) System.setProperty(BYTES, Integer.toString(max));
    }
}
