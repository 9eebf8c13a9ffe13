package io.eventdedup.config;

import java.util.Collection;
import java.util.Optional;

/** The nearest known name to a misspelt one, by edit distance, when it is near enough to be the likely intent. */
final class DidYouMean {
    private DidYouMean() {}

    static Optional<String> nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 5) ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean X?" or nothing. */
    static String hint(String word, Collection<String> known) {
        return nearest(word, known).map(k -> "; did you mean " + k + "?").orElse("");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
