package io.eventdedup.ttl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations the way operators write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 72h}, {@code 3d}, or ISO-8601. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            double unitMs = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                case "d" -> 86_400_000;
                default -> throw new IllegalStateException();
            };
            return Duration.ofMillis(Math.round(n * unitMs));
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 250ms, 30s, 5m, 72h, 3d or ISO-8601 PT30S)");
        }
    }

    public static String format(Duration d) {
        return format(d.toMillis());
    }

    /** Compact, exact: 157.2s, 72h 2m, 1d 0h 0m 1.5s. */
    public static String format(long millis) {
        if (millis < 1000) return millis + "ms";
        long days = millis / 86_400_000, rest = millis % 86_400_000;
        long hours = rest / 3_600_000; rest %= 3_600_000;
        long minutes = rest / 60_000; rest %= 60_000;
        StringBuilder sb = new StringBuilder();
        if (days > 0) sb.append(days).append("d ");
        if (hours > 0) sb.append(hours).append("h ");
        if (minutes > 0) sb.append(minutes).append("m ");
        if (rest > 0) {
            if (rest % 1000 == 0) sb.append(rest / 1000).append('s');
            else sb.append(String.format(Locale.ROOT, "%s", rest / 1000.0)).append('s');
        }
        return sb.toString().trim();
    }
}
