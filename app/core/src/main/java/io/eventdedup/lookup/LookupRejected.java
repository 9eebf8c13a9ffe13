package io.eventdedup.lookup;

/** A lookup answered with an error status and a reason the caller can act on (bad path, unknown source, no token, ...). */
public final class LookupRejected extends Exception {
    private final int status;

    LookupRejected(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** The HTTP status the lookup answers with. */
    public int status() {
        return status;
    }
}
