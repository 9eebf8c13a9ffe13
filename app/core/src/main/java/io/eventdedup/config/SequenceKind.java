package io.eventdedup.config;

/** How a stale-checked source's sequence field is read (docs/design.md §5, STALE). */
public enum SequenceKind {
    /** A whole number (an Avro int or long, a JSON integer or a string of digits), e.g. a version or epoch milliseconds. */
    NUMBER,
    /** An ISO-8601 instant with an offset, e.g. 2026-01-01T00:00:00.123Z, compared at nanosecond precision. */
    TIMESTAMP
}
