package io.eventdedup.tools.loadgen;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Samples ranks 0..n-1 with probability ∝ 1/(rank+1)^s: a few big tenants and a long tail. O(log n) per sample. */
final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double exponent) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1");
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cumulative[i] = sum;
        }
    }

    int sample(SplittableRandom r) {
        double u = r.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        int rank = i >= 0 ? i + 1 : -i - 1;
        return Math.min(rank, cumulative.length - 1);
    }

    /** The probability of {@code rank}. */
    double probability(int rank) {
        double prev = rank == 0 ? 0 : cumulative[rank - 1];
        return (cumulative[rank] - prev) / cumulative[cumulative.length - 1];
    }
}
