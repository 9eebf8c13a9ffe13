package io.eventdedup.limits;

import io.eventdedup.config.KeyRule;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.release.ReleaseCommandParser;

import java.util.ArrayList;
import java.util.List;

/**
 * How large the records event-dedup writes can be, so that every topic it writes can be made to hold them (docs/design.md §6: no record size
 * can stop the gate). A source accepts input records up to its {@code max-record-bytes}, measured as {@link RecordSize} (key, value,
 * headers and framing); larger ones go to the DLQ as a reference without their payload. What it writes for an accepted record — the
 * repartition envelope, the output, the audit record, the DLQ copy — is that record plus at most {@link #overhead} bytes: the
 * envelope's fields and the {@code dedup.*} headers, each bounded (tenant, key and a stale check's entity by {@code max-key-chars}, names by the config, the
 * DLQ detail by {@link #DETAIL_MAX_CHARS}).
 */
public final class WriteBudget {
    /** DLQ detail texts are cut to this many characters. */
    public static final int DETAIL_MAX_CHARS = 1_000;
    /** The most {@code dedup.*} headers one record carries (a DLQ copy of a mismatch has 14). */
    static final int MAX_OUR_HEADERS = 16;
    /** Longest name of a {@code dedup.*} header. */
    static final int MAX_HEADER_NAME = 32;
    /** A decimal long, with its sign. */
    static final int NUMBER = 20;
    /**
     * The repartition envelope's fixed fields as version 2 wrote them (version, six lengths, the fingerprint in both forms,
     * partition, offset, timestamp, key length) and the 16-byte store key: an upper bound of version 5's (flags, varint lengths and
     * numbers, 4-byte name codes, one fingerprint), which is what is written now.
     */
    static final int ENVELOPE_FIXED = 1 + 6 * 4 + 2 * 32 + 4 + 8 + 8 + 4 + 16;
    /** What envelope version 3 adds for a stale-checked source, besides the entity's text: its length, the sequence, the entity key and its length. */
    static final int ENVELOPE_STALE_FIXED = 4 + 8 + 4 + 16;

    private WriteBudget() {}

    /** The largest input record the source accepts. */
    public static long largestAccepted(SourceConfig s) {
        return s.maxRecordBytes();
    }

    /** The most bytes event-dedup adds to an accepted record of this source in anything it writes. */
    public static long overhead(SourceConfig s) {
        long keyBytes = 3L * s.maxKeyChars(); // UTF-8 of at most max-key-chars UTF-16 units
        long nameBytes = 3L * longestName(s);
        long ourHeaders = MAX_OUR_HEADERS * (long) (RecordSize.PER_HEADER + MAX_HEADER_NAME + NUMBER)
                + 2 * keyBytes + 3 * nameBytes + 3L * DETAIL_MAX_CHARS;
        long envelope = ENVELOPE_FIXED + 2 * keyBytes + 2 * nameBytes
                + (s.stale().isPresent() ? ENVELOPE_STALE_FIXED + keyBytes : 0); // the entity, at most max-key-chars like a key
        return ourHeaders + envelope;
    }

    /** The largest record event-dedup writes for this source: its largest accepted record plus the overhead. */
    public static long largestWritten(SourceConfig s) {
        return largestAccepted(s) + overhead(s);
    }

    /**
     * The largest record written for any of the sources or for a release command: the DLQ's and the audit topic's need, and the
     * producer's.
     */
    public static long largestWritten(List<SourceConfig> sources) {
        return Math.max(largestCommandWritten(), sources.stream().mapToLong(WriteBudget::largestWritten).max().orElse(0));
    }

    /** Room for a release command's Kafka key and headers, which the parser does not read, on top of its capped value. */
    static final int COMMAND_SLACK = 4 * 1024;

    /** The largest control-topic record read as a command; a created control topic holds no larger one. */
    public static long largestCommandRead() {
        return ReleaseCommandParser.MAX_COMMAND_BYTES + COMMAND_SLACK;
    }

    /**
     * The largest record written for an accepted command (its envelope on {@code {source}-releases} and the data's repartition, its
     * audit record): at most the command's capped value re-encoded, the control topic's name, fixed fields and our headers.
     */
    public static long largestCommandWritten() {
        return ReleaseCommandParser.MAX_COMMAND_BYTES + COMMAND_SLACK;
    }

    /** Longest of the names the source copies into what it writes: its name, its topics, its key-rule descriptions. */
    static int longestName(SourceConfig s) {
        List<String> names = new ArrayList<>(s.inputTopics());
        names.add(s.name());
        names.add(s.outputTopic());
        for (KeyRule r : s.keyRules()) names.add(r.describe());
        return names.stream().mapToInt(String::length).max().orElse(0);
    }
}
