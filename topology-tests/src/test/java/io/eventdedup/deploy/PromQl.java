package io.eventdedup.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL (and Grafana's variables in it) to find the metric names and label matchers an expression uses,
 * without a parser: string literals, label-matcher blocks, ranges and label lists (by/without/on/ignoring/group_*) are cut
 * out, and what remains of the identifiers are function names (followed by '('), keywords, or metric names.
 */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
            "and", "or", "unless", "atan2", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[\\w+]]");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-z]+|@\\s*[0-9.]+");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w:])");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^{}]*})");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:\\\\.|[^\"\\\\])*)\"");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(.+?)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");

    private PromQl() {}

    /** The metric names {@code expr} selects, in order of appearance. */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll(" \"\" ");
        s = GRAFANA_VARIABLE.matcher(s).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        String before;
        do { // nested subqueries: innermost first
            before = s;
            s = RANGE.matcher(s).replaceAll(" ");
        } while (!s.equals(before));
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = OFFSET.matcher(s).replaceAll(" ");
        s = s.replaceAll("\\b(group_left|group_right)\\b", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group(1);
            if (KEYWORDS.contains(id.toLowerCase())) continue;
            if (s.substring(m.end()).stripLeading().startsWith("(")) continue; // a function call
            names.add(id);
        }
        return names;
    }

    /** A label matcher on a named selector, e.g. {@code dedup_events_total{outcome="duplicate"}}. */
    record LabelMatcher(String metric, String label, String op, String value) {
        /** True when the value holds a Grafana variable: it only has a value on a dashboard. */
        boolean templated() {
            return value.contains("$");
        }
    }

    static List<LabelMatcher> labelMatchers(String expr) {
        List<LabelMatcher> out = new ArrayList<>();
        Matcher sel = SELECTOR.matcher(expr);
        while (sel.find()) {
            Matcher m = MATCHER.matcher(sel.group(2));
            while (m.find()) out.add(new LabelMatcher(sel.group(1), m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")));
        }
        return out;
    }

    /** Grafana's {@code label_values(selector, label)} variable query as (selector, label), or null for anything else. */
    static Map.Entry<String, String> labelValuesQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (!m.matches()) return null;
        Map<String, String> one = new LinkedHashMap<>();
        one.put(m.group(1), m.group(2));
        return one.entrySet().iterator().next();
    }
}
