package io.eventdedup.registry;

/**
 * The registry could not be asked: connection refused, timeout, 5xx, or credentials it rejected. Transient from the record's point
 * of view: processing must pause and retry, never send the record to the DLQ.
 */
public class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message) {
        super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
