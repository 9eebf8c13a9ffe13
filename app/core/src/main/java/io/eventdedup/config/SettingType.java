package io.eventdedup.config;

import io.eventdedup.ttl.Durations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a setting's text becomes a value: the parser and, for error messages and the reference page, what text it accepts.
 *
 * @param name     short name for the reference page (int, duration, list, ...)
 * @param expected what is accepted, completing "expected ..." (e.g. "a duration such as 30s, 5m or 72h")
 * @param parser   throws IllegalArgumentException (or any RuntimeException) for text it does not accept
 */
public record SettingType<T>(String name, String expected, Function<String, T> parser) {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?", Pattern.CASE_INSENSITIVE);

    public static final SettingType<String> STRING = new SettingType<>("string", "text", s -> s);
    public static final SettingType<Integer> INT = new SettingType<>("int", "a whole number", Integer::parseInt);
    public static final SettingType<Double> DOUBLE = new SettingType<>("number", "a number", SettingType::parseDouble);
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("boolean", "true or false", SettingType::parseBoolean);
    public static final SettingType<java.time.Duration> DURATION = new SettingType<>("duration", "a duration such as 200ms, 30s, 5m, 72h or 3d", Durations::parse);
    public static final SettingType<Long> SIZE_BYTES = new SettingType<>("size", "a size such as 256MiB or 1GiB", SettingType::parseSize);
    public static final SettingType<List<String>> LIST = new SettingType<>("list", "a comma-separated list", SettingType::split);
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String TOPIC_RULE = "a legal Kafka topic name (letters, digits, '.', '_', '-', at most 249)";
    public static final SettingType<String> TOPIC = new SettingType<>("topic", TOPIC_RULE, SettingType::topic);
    public static final SettingType<List<String>> TOPICS = listOf("topics", "comma-separated Kafka topic names", SettingType::topic);

    /** A value is one of the enum's constants, case-insensitively. */
    public static <E extends Enum<E>> SettingType<E> oneOf(Class<E> type) {
        String names = String.join(" or ", Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
        return new SettingType<>(names.replace(" or ", "|"), names, v -> Enum.valueOf(type, v.toUpperCase(Locale.ROOT)));
    }

    /**
     * A comma-separated list whose elements are parsed one by one; every element that fails is reported on its own
     * ({@link InvalidElements}), not just the first.
     */
    public static <E> SettingType<List<E>> listOf(String name, String expected, Function<String, E> element) {
        return new SettingType<>(name, expected, text -> {
            List<E> out = new ArrayList<>();
            List<InvalidElements.Element> bad = new ArrayList<>();
            for (String part : split(text)) {
                try {
                    out.add(element.apply(part));
                } catch (RuntimeException e) {
                    bad.add(new InvalidElements.Element(part, e.getMessage()));
                }
            }
            if (!bad.isEmpty()) throw new InvalidElements(bad);
            return out;
        });
    }

    /** Thrown by {@link #listOf} with every element that failed and why. */
    public static final class InvalidElements extends IllegalArgumentException {
        public record Element(String text, String message) {}

        private final List<Element> elements;

        InvalidElements(List<Element> elements) {
            super(elements.size() + " invalid element(s)");
            this.elements = List.copyOf(elements);
        }

        public List<Element> elements() {
            return elements;
        }
    }

    public T parse(String text) {
        return parser.apply(text.trim());
    }

    static List<String> split(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String topic(String t) {
        if (!TOPIC_NAME.matcher(t).matches() || t.equals(".") || t.equals("..")) throw new IllegalArgumentException("not " + TOPIC_RULE);
        return t;
    }

    private static boolean parseBoolean(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(v);
        };
    }

    private static double parseDouble(String v) {
        double d = Double.parseDouble(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException(v);
        return d;
    }

    /** {@code 512MiB}, {@code 1GiB}, {@code 10MB}, {@code 4096} (bytes). */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a size: " + text);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "b" -> n;
            case "kb" -> n * 1000;
            case "kib" -> n << 10;
            case "mb" -> n * 1000_000;
            case "mib" -> n << 20;
            case "gb" -> n * 1000_000_000;
            case "gib" -> n << 30;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
