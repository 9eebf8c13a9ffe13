package io.eventdedup.ttl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition ({@code name{label="value",...} value [timestamp]}), comments skipped. Lines that do
 * not parse are skipped too and counted: the scrape comes from over the network, and one odd line must not hide the others.
 */
public final class PrometheusText {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private int skipped;

    private PrometheusText() {}

    public static PrometheusText parse(String text) {
        PrometheusText t = new PrometheusText();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            Sample s = sample(l);
            if (s == null) t.skipped++;
            else t.samples.add(s);
        }
        return t;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Lines that were neither comments nor samples. */
    public int skipped() {
        return skipped;
    }

    private static Sample sample(String l) {
        int i = 0;
        while (i < l.length() && isNameChar(l.charAt(i))) i++;
        if (i == 0) return null;
        String name = l.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i = labels(l, i + 1, labels);
            if (i < 0) return null;
        }
        String[] rest = l.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) return null;
        try {
            return new Sample(name, labels, value(rest[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads {@code k="v",...}} from {@code i}; returns the index after the closing brace, or -1 when malformed. */
    private static int labels(String l, int i, Map<String, String> into) {
        while (true) {
            while (i < l.length() && (l.charAt(i) == ',' || l.charAt(i) == ' ')) i++;
            if (i >= l.length()) return -1;
            if (l.charAt(i) == '}') return i + 1;
            int eq = l.indexOf('=', i);
            if (eq < 0 || eq + 1 >= l.length() || l.charAt(eq + 1) != '"') return -1;
            String key = l.substring(i, eq).strip();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; j < l.length() && l.charAt(j) != '"'; j++) {
                char c = l.charAt(j);
                if (c == '\\' && j + 1 < l.length()) {
                    char n = l.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            if (j >= l.length()) return -1;
            into.put(key, v.toString());
            i = j + 1;
        }
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
