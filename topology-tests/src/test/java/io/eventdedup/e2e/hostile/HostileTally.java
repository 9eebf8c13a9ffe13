package io.eventdedup.e2e.hostile;

import io.eventdedup.e2e.hostile.HostileCase.Outcome;
import io.eventdedup.e2e.hostile.HostileCase.Sent;
import io.eventdedup.topology.DedupHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What became of each hostile record, from the output, audit and DLQ topics: it claims the records that are the hostile cases'
 * (a forwarded or audited key starting with {@link HostileCase#KEY_PREFIX}, a DLQ entry whose {@code dedup.origin.*} names a
 * hostile record, anything of the JSON source, which only the suite writes to) and gives each case its verdict. Not thread-safe.
 */
final class HostileTally {
    /** What a topic may hold: records older than now minus its retention are deleted at once; the broker refuses those too far ahead. */
    record TopicLimits(long retentionMs, long afterMaxMs) {}

    enum Role { OUTPUT, AUDIT, DLQ }

    private record Seen(ConsumerRecord<byte[], byte[]> record, long readAt) {}

    private final List<Sent> sent;
    private final String jsonSource;
    private final Map<String, TopicLimits> limits;
    private final Map<String, Sent> byOrigin = new HashMap<>();
    private final Map<String, List<Seen>> outputs = new HashMap<>();
    private final Map<String, List<Seen>> audits = new HashMap<>();
    private final Map<String, List<Seen>> deadLetters = new HashMap<>();
    private final List<String> unclaimed = new ArrayList<>();
    private long claimed;

    HostileTally(List<Sent> sent, String jsonSource, Map<String, TopicLimits> limits) {
        this.sent = List.copyOf(sent);
        this.jsonSource = jsonSource;
        this.limits = Map.copyOf(limits);
        for (Sent s : sent) byOrigin.put(s.where(), s);
    }

    /** Takes the record when it is a hostile case's (true); false leaves it to the load's reconciliation. */
    boolean claim(Role role, ConsumerRecord<byte[], byte[]> r) {
        String source = DedupHeaders.get(r.headers(), DedupHeaders.SOURCE);
        long now = System.currentTimeMillis();
        switch (role) {
            case OUTPUT -> {
                String key = DedupHeaders.get(r.headers(), DedupHeaders.KEY);
                if (!jsonSource.equals(source) && (key == null || !key.startsWith(HostileCase.KEY_PREFIX))) return false;
                add(outputs, source + "|" + key, r, now, "forwarded");
            }
            case AUDIT -> {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (!jsonSource.equals(source) && (key == null || !key.startsWith(HostileCase.KEY_PREFIX))) return false;
                add(audits, source + "|" + key, r, now, "audited");
            }
            case DLQ -> {
                String origin = DedupHeaders.get(r.headers(), DedupHeaders.ORIGIN_TOPIC) + "-" + DedupHeaders.get(r.headers(), DedupHeaders.ORIGIN_PARTITION)
                        + "@" + DedupHeaders.get(r.headers(), DedupHeaders.ORIGIN_OFFSET);
                if (!jsonSource.equals(source) && !byOrigin.containsKey(origin)) return false;
                add(deadLetters, origin, r, now, "dead-lettered");
            }
        }
        claimed++;
        return true;
    }

    private void add(Map<String, List<Seen>> m, String k, ConsumerRecord<byte[], byte[]> r, long now, String what) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(new Seen(r, now));
        boolean known = sent.stream().anyMatch(s -> (m == deadLetters ? s.where() : s.c().source() + "|" + s.c().dedupKey()).equals(k));
        if (!known) unclaimed.add(what + " " + k + " at " + r.topic() + "-" + r.partition() + "@" + r.offset() + " matches no hostile case");
    }

    /** Records on the output, audit and DLQ topics that the hostile cases account for. */
    long claimed() {
        return claimed;
    }

    /** Hostile-looking records that match no case (a key or origin the suite never sent). */
    List<String> unclaimed() {
        return List.copyOf(unclaimed);
    }

    /** True once every case has at least the record its outcome needs (more may still come: read on to the end before judging). */
    boolean everyCaseSeen() {
        return sent.stream().allMatch(s -> switch (s.c().expected()) {
            case FORWARDED -> !forwarded(s).isEmpty();
            case DUPLICATE -> !audited(s).isEmpty();
            case DEAD_LETTER -> !deadLettered(s).isEmpty();
            case FORWARDED_OR_DEAD_LETTER -> !forwarded(s).isEmpty() || !deadLettered(s).isEmpty();
        });
    }

    /** Empty when the case got exactly its outcome; otherwise what went wrong, naming the case. */
    Optional<String> verdict(Sent s) {
        List<String> problems = new ArrayList<>();
        List<Seen> out = forwarded(s);
        List<Seen> dlq = deadLettered(s);
        List<Seen> audit = audited(s);
        switch (s.c().expected()) {
            case FORWARDED -> {
                if (out.size() != 1) problems.add("forwarded " + out.size() + " times, expected once");
                if (!dlq.isEmpty()) problems.add("also in the DLQ: " + reasons(dlq));
                out.forEach(o -> checkForwarded(s, o, problems));
            }
            case DUPLICATE -> {
                if (audit.size() != 1) problems.add("audited " + audit.size() + " times, expected one audit record (a duplicate)");
                if (!dlq.isEmpty()) problems.add("in the DLQ instead: " + reasons(dlq));
                audit.forEach(a -> checkTimestamp(a, problems));
            }
            case DEAD_LETTER -> {
                if (dlq.size() != 1) problems.add("in the DLQ " + dlq.size() + " times, expected once");
                if (s.c().dedupKey() != null && !out.isEmpty()) problems.add("forwarded " + out.size() + " times, expected never");
                dlq.forEach(d -> checkDeadLetter(s, d, problems));
            }
            case FORWARDED_OR_DEAD_LETTER -> {
                if (out.size() + dlq.size() != 1) {
                    problems.add("forwarded " + out.size() + " times and in the DLQ " + dlq.size() + " times, expected exactly one of the two");
                }
                out.forEach(o -> checkForwarded(s, o, problems));
                dlq.forEach(d -> checkDeadLetter(s, d, problems));
            }
        }
        if (problems.isEmpty()) return Optional.empty();
        return Optional.of("case '" + s.c().name() + "' (sent to " + s.where() + ", timestamp " + s.timestamp() + ", expected "
                + s.c().expected() + "): " + String.join("; ", problems));
    }

    /** One line per case with what was found, for the report. */
    String describe(Sent s) {
        return String.format("%-58s %-24s forwarded %d, audited %d, dead-lettered %d%s", s.c().name(), s.c().expected(), forwarded(s).size(),
                audited(s).size(), deadLettered(s).size(), deadLettered(s).isEmpty() ? "" : " " + reasons(deadLettered(s)));
    }

    private void checkForwarded(Sent s, Seen o, List<String> problems) {
        ConsumerRecord<byte[], byte[]> r = o.record();
        if (!Arrays.equals(r.key(), s.c().key())) problems.add("forwarded with a different record key (" + length(r.key()) + " bytes)");
        if (!Arrays.equals(r.value(), s.c().value())) problems.add("forwarded with a different value (" + length(r.value()) + " bytes)");
        if (!s.c().tenant().equals(DedupHeaders.get(r.headers(), DedupHeaders.TENANT))) problems.add("forwarded with dedup.tenant "
                + DedupHeaders.get(r.headers(), DedupHeaders.TENANT));
        for (Header h : s.c().headers()) {
            if (r.headers().lastHeader(h.key()) == null) {
                problems.add("forwarded without its header " + h.key());
                break;
            }
        }
        checkTimestamp(o, problems);
        if (r.timestamp() != s.timestamp() && !carries(r, s.timestamp())) {
            problems.add("forwarded with timestamp " + r.timestamp() + " instead of " + s.timestamp() + " and no header carrying the original");
        }
    }

    private void checkDeadLetter(Sent s, Seen d, List<String> problems) {
        String reason = DedupHeaders.get(d.record().headers(), DedupHeaders.REASON);
        if (reason == null || reason.isEmpty()) problems.add("DLQ entry without a dedup.reason");
        else if (!s.c().reasons().isEmpty() && !s.c().reasons().contains(reason)) {
            problems.add("DLQ reason " + reason + " (" + DedupHeaders.get(d.record().headers(), DedupHeaders.DETAIL) + "), expected one of " + s.c().reasons());
        }
        checkTimestamp(d, problems);
    }

    /** The record's timestamp is one its topic keeps: not so old that retention deletes it at once. */
    private void checkTimestamp(Seen seen, List<String> problems) {
        ConsumerRecord<byte[], byte[]> r = seen.record();
        TopicLimits l = limits.get(r.topic());
        if (l == null) throw new IllegalStateException("no limits known for topic " + r.topic());
        if (r.timestamp() < 0) problems.add(r.topic() + " record has negative timestamp " + r.timestamp());
        else if (l.retentionMs() >= 0 && r.timestamp() < seen.readAt() - l.retentionMs()) {
            problems.add(r.topic() + " record has timestamp " + r.timestamp() + ", older than the topic's retention.ms " + l.retentionMs()
                    + ": deleted by retention at once");
        }
        if (r.timestamp() > seen.readAt() + l.afterMaxMs()) {
            problems.add(r.topic() + " record has timestamp " + r.timestamp() + ", beyond the topic's message.timestamp.after.max.ms");
        }
    }

    /** Some header holds {@code timestamp}, as decimal text or as an 8-byte big-endian long. */
    private static boolean carries(ConsumerRecord<byte[], byte[]> r, long timestamp) {
        byte[] text = Long.toString(timestamp).getBytes(StandardCharsets.UTF_8);
        byte[] binary = ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array();
        for (Header h : r.headers()) {
            if (Arrays.equals(h.value(), text) || Arrays.equals(h.value(), binary)) return true;
        }
        return false;
    }

    private List<Seen> forwarded(Sent s) {
        return s.c().dedupKey() == null ? List.of() : outputs.getOrDefault(s.c().source() + "|" + s.c().dedupKey(), List.of());
    }

    private List<Seen> audited(Sent s) {
        return s.c().dedupKey() == null ? List.of() : audits.getOrDefault(s.c().source() + "|" + s.c().dedupKey(), List.of());
    }

    private List<Seen> deadLettered(Sent s) {
        return deadLetters.getOrDefault(s.where(), List.of());
    }

    private static String reasons(List<Seen> dlq) {
        List<String> r = new ArrayList<>();
        for (Seen d : dlq) r.add(DedupHeaders.get(d.record().headers(), DedupHeaders.REASON));
        return r.toString();
    }

    private static int length(byte[] b) {
        return b == null ? -1 : b.length;
    }
}
