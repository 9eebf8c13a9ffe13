package io.eventdedup.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A rule one setting's parsed value must follow (Kafka's {@code ConfigDef.Validator}).
 *
 * @param allowed what the rule allows, for "expected ..." messages and the reference page (e.g. ">= 1")
 * @param ok      the test
 * @param failure the message when the test fails (e.g. "must be >= 1")
 */
public record Check<T>(String allowed, Predicate<T> ok, String failure) {

    public static Check<Integer> atLeast(int min) {
        return new Check<>(">= " + min, v -> v >= min, "must be >= " + min);
    }

    public static Check<Double> atLeast(double min) {
        return new Check<>(">= " + trim(min), v -> v >= min, "must be >= " + trim(min));
    }

    public static Check<Integer> within(int min, int max) {
        return new Check<>("within " + min + ".." + max, v -> v >= min && v <= max, "must be within " + min + ".." + max);
    }

    public static Check<Double> within(double min, double max) {
        return new Check<>("within " + trim(min) + ".." + trim(max), v -> v >= min && v <= max, "must be within " + trim(min) + ".." + trim(max));
    }

    public static Check<Long> atLeastBytes(long min, String text) {
        return new Check<>("at least " + text, v -> v >= min, "must be at least " + text);
    }

    public static Check<Duration> notNegative() {
        return new Check<>("not negative", v -> !v.isNegative(), "must not be negative");
    }

    public static Check<String> oneOf(Collection<String> values) {
        String list = String.join(", ", values);
        return new Check<>("one of " + list, values::contains, "expected one of " + list);
    }

    public static Check<String> matches(String regex, String description) {
        Pattern p = Pattern.compile(regex);
        return new Check<>(description, v -> p.matcher(v).matches(), "expected " + description);
    }

    public static Check<String> readableFile() {
        return new Check<>("a readable file", v -> Files.isReadable(Path.of(v)), "file does not exist or is not readable");
    }

    public static <E> Check<List<E>> notEmpty() {
        return new Check<>("at least one", v -> !v.isEmpty(), "list at least one");
    }

    public static <E> Check<List<E>> atMost(int max) {
        return new Check<>("at most " + max, v -> v.size() <= max, "at most " + max + " entries");
    }

    public static <E> Check<List<E>> each(Predicate<E> test, String description) {
        return new Check<>(description, v -> v.stream().allMatch(test), "expected " + description);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
