package io.eventdedup.ttl;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/** The human-readable explanation of one source's TTL: each term, its value, the total. */
public record TtlDerivation(String source, TtlFormula formula) {

    public static TtlDerivation of(String source, TtlFormula formula) {
        return new TtlDerivation(source, formula);
    }

    public Duration ttl() {
        return formula.ttl();
    }

    /** Multi-line text, e.g. for the {@code ttl} command and the start-up log. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("source ").append(source).append(": TTL = R + k·L + B\n");
        formula.schedule().ifPresentOrElse(s -> {
            String waits = s.waitsMillis().stream().map(w -> Durations.format(Math.round(w))).collect(Collectors.joining(" + "));
            sb.append(String.format(Locale.ROOT, "  R = (1 + j)·Σ min(b·m^i, c) = (1 + %s)·(%s)%n", num(s.jitter()), s.retries() == 0 ? "0" : waits));
            sb.append(String.format(Locale.ROOT, "      n=%d retries, b=%s, m=%s, c=%s, j=%s%n", s.retries(),
                    Durations.format(s.initialBackoff()), num(s.multiplier()), Durations.format(s.maxBackoff()), num(s.jitter())));
            sb.append("    = ").append(Durations.format(formula.retryHorizon())).append("  (retry horizon from the backoff schedule)\n");
        }, () -> sb.append("  R = ").append(Durations.format(formula.retryHorizon())).append("  (retry horizon, given)\n"));
        sb.append(String.format(Locale.ROOT, "  k·L = %s × %s = %s  (overload coefficient × processing latency window)%n",
                num(formula.overloadCoefficient()), Durations.format(formula.latencyWindow()), Durations.format(formula.latencyTermMillis())));
        sb.append("  B = ").append(Durations.format(formula.networkBuffer())).append("  (clock skew and transit buffer)\n");
        sb.append("  TTL = ").append(Durations.format(formula.retryHorizon())).append(" + ")
                .append(Durations.format(formula.latencyTermMillis())).append(" + ")
                .append(Durations.format(formula.networkBuffer())).append(" = ").append(Durations.format(ttl()))
                .append(" (").append(ttl().toMillis()).append(" ms)\n");
        return sb.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }
}
