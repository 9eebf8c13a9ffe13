package io.eventdedup.tools.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the {@link Reconciler} found on the output, audit and DLQ topics, checked against a {@link LoadLedger}. {@link #ok()} holds
 * only when every {@link #checks() check} passes:
 * <ol>
 *   <li>complete: at least {@code in} records were read before the timeout;</li>
 *   <li>{@code in == unique + duplicate + mismatch + stale + invalid};</li>
 *   <li>no duplicate forwarded: no logical event and no dedup key ({@code dedup.source|dedup.tenant|dedup.key}) more than once on
 *       the outputs;</li>
 *   <li>no unique event missing: every logical event of the ledger is on its output topic;</li>
 *   <li>nothing unexpected on the outputs: no record that is not a logical event of this run (undecodable, another run's, a
 *       payload-mismatch delivery, an unknown sequence number), and every output record carries the dedup headers;</li>
 *   <li>invalid records as expected, in total and by reason;</li>
 *   <li>the outcome split (unique, duplicate, mismatch, stale) as the ledger expects;</li>
 *   <li>releases apart: every unique event forwarded with {@code dedup.follows-release} follows a key RELEASED (audit topic).
 *       Release commands and the retries they let through are not the generator's records, so they stay out of the ledger's
 *       identity and are counted on their own.</li>
 *   <li>late retries, when the run sent any: each forwarded again, once, marked {@code dedup.late-retry} (a late retry of an event
 *       that had none, or one forwarded twice, fails the checks above);</li>
 *   <li>a schema upgrade, when the run made one: no telemetry payload mismatch beyond the ledger's, so retries written under the
 *       newer schema were duplicates of their first delivery under the older one.</li>
 * </ol>
 * Immutable.
 */
public final class ReconciliationReport {
    /** One check and its verdict. */
    public record Check(String name, boolean passed, String detail) {
        @Override
        public String toString() {
            return (passed ? "[PASS] " : "[FAIL] ") + name + ": " + detail;
        }
    }

    /**
     * Release decisions read on the audit topic, by outcome (RELEASED, NEVER_SEEN, EXPIRED, ALREADY_RELEASED), and the unique
     * events forwarded after a release (the {@code dedup.follows-release} header).
     */
    public record Releases(Map<String, Long> byOutcome, long forwardedAfterRelease) {
        public Releases {
            byOutcome = Collections.unmodifiableMap(new TreeMap<>(byOutcome));
        }

        public long released() {
            return byOutcome.getOrDefault("RELEASED", 0L);
        }

        public long decided() {
            return byOutcome.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final LoadLedger ledger;
    private final Releases releases;
    private final boolean complete;
    private final Duration elapsed;
    private final long recordsRead;
    private final long ignored;
    private final EnumMap<EventSource, Long> unique;
    private final EnumMap<EventSource, Long> duplicate;
    private final EnumMap<EventSource, Long> mismatch;
    private final EnumMap<EventSource, Long> stale;
    private final Map<String, Long> invalidByReason;
    private final long duplicateEventsForwarded;
    private final long duplicateKeysForwarded;
    private final List<String> duplicateSamples;
    private final long missing;
    private final List<EventId> missingSample;
    private final long unexpected;
    private final Map<String, Long> unexpectedByCause;
    private final List<String> unexpectedSamples;
    private final long withoutDedupHeaders;
    private final long maxDuplicateDelayMs;
    private final long lateRetriesForwarded;
    private final List<Check> checks;

    ReconciliationReport(LoadLedger ledger, boolean complete, Duration elapsed, long recordsRead, long ignored,
                         EnumMap<EventSource, Long> unique, EnumMap<EventSource, Long> duplicate, EnumMap<EventSource, Long> mismatch,
                         EnumMap<EventSource, Long> stale, Map<String, Long> invalidByReason, long duplicateEventsForwarded, long duplicateKeysForwarded,
                         List<String> duplicateSamples, long missing, List<EventId> missingSample, long unexpected,
                         Map<String, Long> unexpectedByCause, List<String> unexpectedSamples, long withoutDedupHeaders,
                         long maxDuplicateDelayMs, Releases releases,
                         long lateRetriesForwarded) {
        this.ledger = ledger;
        this.releases = releases;
        this.complete = complete;
        this.elapsed = elapsed;
        this.recordsRead = recordsRead;
        this.ignored = ignored;
        this.unique = new EnumMap<>(unique);
        this.duplicate = new EnumMap<>(duplicate);
        this.mismatch = new EnumMap<>(mismatch);
        this.stale = new EnumMap<>(stale);
        this.invalidByReason = Collections.unmodifiableMap(new TreeMap<>(invalidByReason));
        this.duplicateEventsForwarded = duplicateEventsForwarded;
        this.duplicateKeysForwarded = duplicateKeysForwarded;
        this.duplicateSamples = List.copyOf(duplicateSamples);
        this.missing = missing;
        this.missingSample = List.copyOf(missingSample);
        this.unexpected = unexpected;
        this.unexpectedByCause = Collections.unmodifiableMap(new TreeMap<>(unexpectedByCause));
        this.unexpectedSamples = List.copyOf(unexpectedSamples);
        this.withoutDedupHeaders = withoutDedupHeaders;
        this.maxDuplicateDelayMs = maxDuplicateDelayMs;
        this.lateRetriesForwarded = lateRetriesForwarded;
        this.checks = List.copyOf(buildChecks());
    }

    private List<Check> buildChecks() {
        List<Check> c = new ArrayList<>();
        long counted = unique() + duplicate() + mismatch() + stale() + invalid();
        c.add(new Check("complete", complete, complete
                ? String.format("read all %,d records in %s", counted, seconds(elapsed))
                : String.format("timed out after %s with %,d of %,d records read", seconds(elapsed), counted, in())));
        c.add(new Check("in = unique + duplicate + mismatch + stale + invalid", in() == counted,
                String.format("%,d %s %,d + %,d + %,d + %,d + %,d (= %,d)", in(), in() == counted ? "=" : "≠", unique(), duplicate(), mismatch(),
                        stale(), invalid(), counted)));
        c.add(new Check("duplicates forwarded", duplicatesForwarded() == 0,
                String.format("%,d (logical events seen more than once: %,d, dedup keys seen more than once: %,d)%s",
                        duplicatesForwarded(), duplicateEventsForwarded, duplicateKeysForwarded, sample(duplicateSamples))));
        c.add(new Check("unique events missing", missing == 0,
                String.format("%,d of %,d%s", missing, ledger.logicalEvents(), sample(missingSample.stream().map(EventId::toString).toList()))));
        c.add(new Check("unexpected records on the outputs", unexpected == 0 && withoutDedupHeaders == 0,
                String.format("%,d%s%s%s", unexpected, unexpectedByCause.isEmpty() ? "" : " " + unexpectedByCause,
                        withoutDedupHeaders == 0 ? "" : String.format("; %,d without dedup.source/tenant/key headers", withoutDedupHeaders),
                        sample(unexpectedSamples))));
        Map<String, Long> expectedInvalid = ledger.expectedInvalidByReason();
        boolean invalidOk = invalid() == ledger.expectedInvalid() && expectedInvalid.equals(invalidByReason);
        c.add(new Check("invalid as expected", invalidOk, String.format("%,d %s %,d expected%s", invalid(),
                invalid() == ledger.expectedInvalid() ? "=" : "≠", ledger.expectedInvalid(),
                expectedInvalid.equals(invalidByReason) ? " (every reason matches)" : "; by reason " + invalidByReason + " vs expected " + expectedInvalid)));
        boolean splitOk = unique() == ledger.expectedUnique() && duplicate() == ledger.expectedDuplicates()
                && mismatch() == ledger.expectedMismatches() && stale() == ledger.expectedStale();
        c.add(new Check("outcome split as expected", splitOk, String.format(
                "unique %,d/%,d, duplicate %,d/%,d, mismatch %,d/%,d, stale %,d/%,d (actual/expected)", unique(), ledger.expectedUnique(),
                duplicate(), ledger.expectedDuplicates(), mismatch(), ledger.expectedMismatches(), stale(), ledger.expectedStale())));
        c.add(new Check("forwarded after a release", releases.forwardedAfterRelease() <= releases.released(),
                String.format("%,d retries forwarded with dedup.follows-release, %,d keys released", releases.forwardedAfterRelease(),
                        releases.released())));
        if (ledger.expectedLateRetries() > 0) {
            c.add(new Check("late retries forwarded again, marked", lateRetriesForwarded == ledger.expectedLateRetries(),
                    String.format("%,d of %,d late retries (%s) on the outputs with dedup.late-retry",
                            lateRetriesForwarded, ledger.expectedLateRetries(), ledger.lateRetryTiming())));
        }
        if (ledger.schemaUpgraded()) {
            long expected = ledger.expectedMismatches(EventSource.TELEMETRY);
            c.add(new Check("retries across the schema upgrade are duplicates", mismatch(EventSource.TELEMETRY) == expected,
                    String.format("%,d retries written under the newer telemetry schema of events first sent under the older one; "
                            + "telemetry payload mismatches %,d/%,d (actual/expected)", ledger.retriesAcrossSchemaUpgrade(),
                            mismatch(EventSource.TELEMETRY), expected)));
        }
        return c;
    }

    /** Release decisions and retries after them, counted apart from the ledger. */
    public Releases releases() {
        return releases;
    }

    private static String sample(List<String> samples) {
        return samples.isEmpty() ? "" : "; e.g. " + String.join(", ", samples);
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    // ---- verdict -------------------------------------------------------------------------------------------------------------

    public boolean ok() {
        return checks.stream().allMatch(Check::passed);
    }

    public List<Check> checks() {
        return checks;
    }

    /** The checks that failed. */
    public List<Check> failures() {
        return checks.stream().filter(ch -> !ch.passed()).toList();
    }

    // ---- counts --------------------------------------------------------------------------------------------------------------

    public LoadLedger ledger() {
        return ledger;
    }

    /** Records produced, from the ledger. */
    public long in() {
        return ledger.in();
    }

    /** False when the timeout passed before {@link #in()} records were read: the counts are partial. */
    public boolean complete() {
        return complete;
    }

    public Duration elapsed() {
        return elapsed;
    }

    /** Records read from the four topics, including records of other sources (see {@link #ignored()}). */
    public long recordsRead() {
        return recordsRead;
    }

    /** Audit and DLQ records of sources other than telemetry and webhooks, left out of every count. */
    public long ignored() {
        return ignored;
    }

    public long unique() {
        return sum(unique);
    }

    public long unique(EventSource s) {
        return unique.get(s);
    }

    /** Audit records: duplicates the app held back. */
    public long duplicate() {
        return sum(duplicate);
    }

    public long duplicate(EventSource s) {
        return duplicate.get(s);
    }

    /** DLQ records with {@code dedup.reason=PAYLOAD_MISMATCH}. */
    public long mismatch() {
        return sum(mismatch);
    }

    public long mismatch(EventSource s) {
        return mismatch.get(s);
    }

    /** STALE audit records: stale updates the app held back. */
    public long stale() {
        return sum(stale);
    }

    public long stale(EventSource s) {
        return stale.get(s);
    }

    /** DLQ records with any other reason. */
    public long invalid() {
        return invalidByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> invalidByReason() {
        return invalidByReason;
    }

    /** Duplicates that reached an output: the larger of {@link #duplicateEventsForwarded()} and {@link #duplicateKeysForwarded()}. */
    public long duplicatesForwarded() {
        return Math.max(duplicateEventsForwarded, duplicateKeysForwarded);
    }

    /** Output records of a logical event beyond its first. */
    public long duplicateEventsForwarded() {
        return duplicateEventsForwarded;
    }

    /** Output records of a dedup key ({@code dedup.source|dedup.tenant|dedup.key}) beyond its first. */
    public long duplicateKeysForwarded() {
        return duplicateKeysForwarded;
    }

    /** Logical events of the ledger absent from the outputs. */
    public long uniqueEventsMissing() {
        return missing;
    }

    /** Up to 10 of the missing events. */
    public List<EventId> missingSample() {
        return missingSample;
    }

    /** Output records that are not a logical event of this run. */
    public long unexpectedOnOutputs() {
        return unexpected;
    }

    public Map<String, Long> unexpectedByCause() {
        return unexpectedByCause;
    }

    /** Output records without the {@code dedup.source}, {@code dedup.tenant} and {@code dedup.key} headers. */
    public long withoutDedupHeaders() {
        return withoutDedupHeaders;
    }

    /** Output records marked {@code dedup.late-retry} for an event the ledger retried late (at most one each). */
    public long lateRetriesForwarded() {
        return lateRetriesForwarded;
    }

    /** The longest {@code delay_ms} among the audit records read: how late the latest duplicate came. */
    public long maxDuplicateDelayMs() {
        return maxDuplicateDelayMs;
    }

    private static long sum(Map<EventSource, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    // ---- rendering -----------------------------------------------------------------------------------------------------------

    /** A multi-line report: the counts against the ledger's expectations, then every check with PASS or FAIL. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Reconciliation of load run %s: %s%n", ledger.runId(), ok() ? "PASS" : "FAIL"));
        b.append(String.format("  read %,d records in %s%s%n", recordsRead, seconds(elapsed),
                ignored == 0 ? "" : String.format(" (%,d of other sources ignored)", ignored)));
        b.append(String.format("  %-24s %12s %12s%n", "outcome", "expected", "actual"));
        row(b, "in (records produced)", in(), unique() + duplicate() + mismatch() + stale() + invalid());
        row(b, "unique", ledger.expectedUnique(), unique());
        for (EventSource s : EventSource.values()) row(b, "  " + s.sourceName(), ledger.expectedUnique(s), unique(s));
        if (ledger.expectedLateRetries() > 0) row(b, "  of which late retries", ledger.expectedLateRetries(), lateRetriesForwarded);
        row(b, "duplicate", ledger.expectedDuplicates(), duplicate());
        for (EventSource s : EventSource.values()) row(b, "  " + s.sourceName(), ledger.expectedDuplicates(s), duplicate(s));
        row(b, "payload mismatch", ledger.expectedMismatches(), mismatch());
        row(b, "stale", ledger.expectedStale(), stale());
        row(b, "invalid", ledger.expectedInvalid(), invalid());
        Map<String, Long> expectedInvalid = ledger.expectedInvalidByReason();
        for (String reason : new TreeSet<>(union(expectedInvalid, invalidByReason))) {
            row(b, "  " + reason, expectedInvalid.getOrDefault(reason, 0L), invalidByReason.getOrDefault(reason, 0L));
        }
        if (releases.decided() > 0 || releases.forwardedAfterRelease() > 0) {
            b.append(String.format("  releases (control topic, outside in) %,d decided%n", releases.decided()));
            releases.byOutcome().forEach((outcome, n) -> b.append(String.format("    %-22s %,12d%n", outcome, n)));
            b.append(String.format("    %-22s %,12d%n", "forwarded after release", releases.forwardedAfterRelease()));
        }
        if (maxDuplicateDelayMs >= 0) b.append(String.format("  latest duplicate came %,d ms after its first delivery%n", maxDuplicateDelayMs));
        b.append("  checks\n");
        for (Check ch : checks) b.append("  ").append(ch).append('\n');
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static java.util.Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        java.util.Set<String> s = new TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static void row(StringBuilder b, String name, long expected, long actual) {
        b.append(String.format("  %-24s %,12d %,12d%s%n", name, expected, actual, expected == actual ? "" : "   <-- differs"));
    }

    @Override
    public String toString() {
        return render();
    }
}
