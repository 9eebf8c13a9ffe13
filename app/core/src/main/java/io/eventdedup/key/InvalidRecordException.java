package io.eventdedup.key;

/** The record itself is bad: it goes to the DLQ with this reason and detail. Never thrown for outages. */
public class InvalidRecordException extends Exception {
    private final InvalidReason reason;

    public InvalidRecordException(InvalidReason reason, String detail) {
        super(detail, null, false, false); // no stack trace: this is flow, not a bug
        this.reason = reason;
    }

    public InvalidReason reason() {
        return reason;
    }
}
