package io.eventdedup.config;

/** One thing wrong with the configuration: the key, the offending value (never a secret's), and what is allowed. */
public record ConfigProblem(String key, String value, String message) {
    @Override
    public String toString() {
        return key + (value == null ? "" : " = '" + value + "'") + ": " + message;
    }
}
