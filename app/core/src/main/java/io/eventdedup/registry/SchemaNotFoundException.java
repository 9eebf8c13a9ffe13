package io.eventdedup.registry;

/** The registry answered, and does not have what was asked for (unknown id, subject or version). */
public class SchemaNotFoundException extends RuntimeException {
    public SchemaNotFoundException(String message) {
        super(message);
    }
}
