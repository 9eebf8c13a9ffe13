package io.eventdedup.tools.loadgen;

/** The producer reported records it could not send: the ledger counts them as sent, so a reconciliation would not hold. */
public final class LoadGenerationException extends RuntimeException {
    private final transient LoadLedger ledger;

    LoadGenerationException(String message, Throwable cause, LoadLedger ledger) {
        super(message, cause);
        this.ledger = ledger;
    }

    /** The ledger of everything handed to the producer, failed records included. */
    public LoadLedger ledger() {
        return ledger;
    }
}
