package io.eventdedup.ttl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retry delays of each source in one or more {@code /metrics} scrapes (one per instance): the duplicate-delay histogram
 * (retries inside the TTL), the late-retry-delay histogram (past the TTL, inside the observation window; same buckets) and the
 * late-retry counter, summed over the scrapes.
 */
public final class ScrapedRetryDelays {
    static final String DUPLICATE_BUCKETS = "dedup_duplicate_delay_seconds_bucket";
    static final String LATE_BUCKETS = "dedup_late_retry_delay_seconds_bucket";
    static final String LATE_COUNTER = "dedup_late_retries_total";

    /** One source's histograms; {@code late} is null when the scrape has no late-retry histogram (an instance older than it). */
    public record Source(BucketedDelays duplicates, BucketedDelays late, long lateRetries) {
        /** Every retry measured: inside the TTL and past it. */
        public BucketedDelays all() {
            return late == null ? duplicates : duplicates.plus(late);
        }
    }

    private final Map<String, TreeMap<Double, Double>> duplicateBuckets = new LinkedHashMap<>();
    private final Map<String, TreeMap<Double, Double>> lateBuckets = new LinkedHashMap<>();
    private final Map<String, Double> lateCounters = new LinkedHashMap<>();

    /** Adds one scrape's samples (one instance). */
    public ScrapedRetryDelays add(PrometheusText scrape) {
        for (PrometheusText.Sample s : scrape.samples()) {
            String source = s.labels().get("source");
            if (source == null) continue;
            switch (s.name()) {
                case DUPLICATE_BUCKETS -> addBucket(duplicateBuckets, source, s);
                case LATE_BUCKETS -> addBucket(lateBuckets, source, s);
                case LATE_COUNTER -> lateCounters.merge(source, s.value(), Double::sum);
                default -> { }
            }
        }
        return this;
    }

    /** The sources with a duplicate-delay histogram, by name. */
    public Map<String, Source> bySource() {
        Map<String, Source> m = new LinkedHashMap<>();
        duplicateBuckets.forEach((source, buckets) -> {
            BucketedDelays dup = histogram(buckets);
            TreeMap<Double, Double> late = lateBuckets.get(source);
            BucketedDelays lateHistogram = late == null ? null : histogram(late);
            if (lateHistogram != null && !java.util.Arrays.equals(lateHistogram.upperBoundsSeconds(), dup.upperBoundsSeconds())) {
                throw new IllegalArgumentException("source " + source + ": the late-retry and duplicate histograms have different buckets "
                        + "(scrapes of different event-dedup versions?); scrape instances of one version");
            }
            m.put(source, new Source(dup, lateHistogram, Math.round(lateCounters.getOrDefault(source, 0.0))));
        });
        return m;
    }

    private static void addBucket(Map<String, TreeMap<Double, Double>> into, String source, PrometheusText.Sample s) {
        String le = s.labels().get("le");
        if (le == null || Double.isNaN(s.value())) return;
        double bound;
        try {
            bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        } catch (NumberFormatException e) {
            return;
        }
        into.computeIfAbsent(source, k -> new TreeMap<>()).merge(bound, s.value(), Double::sum);
    }

    private static BucketedDelays histogram(TreeMap<Double, Double> buckets) {
        List<Double> bounds = new ArrayList<>(buckets.keySet());
        if (bounds.isEmpty() || !Double.isInfinite(bounds.get(bounds.size() - 1))) {
            throw new IllegalArgumentException("a delay histogram without its +Inf bucket: the scrape is cut short");
        }
        double[] b = new double[bounds.size()];
        long[] c = new long[bounds.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = bounds.get(i);
            c[i] = Math.round(buckets.get(bounds.get(i)));
        }
        return new BucketedDelays(b, c);
    }
}
