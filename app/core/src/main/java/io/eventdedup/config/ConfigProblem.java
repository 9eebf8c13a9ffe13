package io.eventdedup.config;

/**
 * One thing wrong with the configuration: the key, the offending value, and what is allowed. The value of a secret setting is
 * replaced by {@link Secrets#REDACTED} here, whoever builds the problem, so no error message can show one.
 */
public record ConfigProblem(String key, String value, String message) {
    public ConfigProblem {
        value = Secrets.display(key, value);
    }

    @Override
    public String toString() {
        if (value == null) return key + ": " + message;
        return key + " = " + (value.equals(Secrets.REDACTED) ? value : "'" + value + "'") + ": " + message;
    }
}
