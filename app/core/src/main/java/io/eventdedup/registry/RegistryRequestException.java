package io.eventdedup.registry;

/**
 * The registry understood the request and refused it for a reason that retrying will not change: an invalid schema (422), a schema
 * incompatible with the subject's earlier versions (409), and so on. A configuration or programming problem, not an outage.
 */
public class RegistryRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public RegistryRequestException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 42201 invalid schema, 409 incompatible), or -1 when its answer had none. */
    public int errorCode() {
        return errorCode;
    }
}
