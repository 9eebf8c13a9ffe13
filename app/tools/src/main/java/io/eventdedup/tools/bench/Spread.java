package io.eventdedup.tools.bench;

import java.util.List;

/**
 * One figure measured once per round: its mean, lowest and highest value, and the values in round order. With no values every
 * statistic is NaN.
 */
public record Spread(double mean, double min, double max, List<Double> values) {
    public Spread {
        values = List.copyOf(values);
    }

    static Spread of(List<Double> values) {
        if (values.isEmpty()) return new Spread(Double.NaN, Double.NaN, Double.NaN, values);
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Spread(sum / values.size(), min, max, values);
    }

    /** Round by round {@code a / b} over the rounds both have; a round where {@code b} is not positive gives NaN. */
    static Spread ratios(List<Double> a, List<Double> b) {
        int n = Math.min(a.size(), b.size());
        Double[] r = new Double[n];
        for (int i = 0; i < n; i++) r[i] = b.get(i) > 0 ? a.get(i) / b.get(i) : Double.NaN;
        return of(List.of(r));
    }
}
