package io.eventdedup.key;

import io.eventdedup.config.SequenceKind;
import io.eventdedup.config.StaleRule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Reads the entity and the sequence of a stale-checked source's event from its payload's fields. Never silently skips: an event
 * without either field is {@link InvalidReason#NO_SEQUENCE}, a sequence that is not of the configured kind is
 * {@link InvalidReason#BAD_SEQUENCE}, each naming the field.
 */
public final class Sequences {
    private Sequences() {}

    /** The entity and sequence of an event, or why it has none. */
    public static EntitySequence read(StaleRule rule, Map<String, String> fields, KeyHasher hasher) throws InvalidRecordException {
        String entity = fields.get(rule.entityField());
        if (entity == null || entity.isEmpty()) {
            throw new InvalidRecordException(InvalidReason.NO_SEQUENCE, "stale check: entity field " + rule.entityField() + " is missing, null or empty");
        }
        String text = fields.get(rule.sequenceField());
        if (text == null || text.isEmpty()) {
            throw new InvalidRecordException(InvalidReason.NO_SEQUENCE, "stale check: sequence field " + rule.sequenceField() + " is missing, null or empty");
        }
        return new EntitySequence(entity, sequence(rule, text), hasher.hash(entity));
    }

    /** The sequence as a comparable long: a whole number as it is, a timestamp as epoch nanoseconds. */
    static long sequence(StaleRule rule, String text) throws InvalidRecordException {
        return rule.kind() == SequenceKind.NUMBER ? number(rule.sequenceField(), text) : timestampNanos(rule.sequenceField(), text);
    }

    private static long number(String field, String text) throws InvalidRecordException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(InvalidReason.BAD_SEQUENCE, "stale check: sequence field " + field + " is " + quoted(text)
                    + ", not a whole number (sequence-kind number)");
        }
    }

    private static long timestampNanos(String field, String text) throws InvalidRecordException {
        try {
            Instant t = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidRecordException(InvalidReason.BAD_SEQUENCE, "stale check: sequence field " + field + " is " + quoted(text)
                    + ", not an ISO-8601 instant with an offset between 1677 and 2262 (sequence-kind timestamp)");
        }
    }

    private static String quoted(String text) {
        return "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
    }

    /** Hashes an entity to its 16-byte key. */
    @FunctionalInterface
    public interface KeyHasher {
        byte[] hash(String entity);
    }
}
