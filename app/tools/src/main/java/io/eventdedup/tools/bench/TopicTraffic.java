package io.eventdedup.tools.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What one phase wrote to each topic of the run: the growth of the end offsets (records, plus one transaction marker per
 * partition per transaction on transactional writes) and of the partitions' size on the brokers' disks (from
 * {@code describeLogDirs}: batch headers, record headers and markers included, as the broker stores them), between two snapshots.
 */
final class TopicTraffic {
    private static final long TIMEOUT_S = 60;

    /** Offsets and bytes of one topic at one moment, summed over its partitions. */
    record Size(long offsets, long bytes) {
        Size minus(Size before) {
            return new Size(offsets - before.offsets, bytes - before.bytes);
        }
    }

    /** A snapshot: topic → its size. */
    record Snapshot(Map<String, Size> topics) {}

    /** What one topic took in during a phase, and its role in the phase (input, repartition, changelog, output, audit, dlq). */
    record Written(String topic, String role, long offsets, long bytes) {
        double offsetsPerRecord(long inputRecords) {
            return inputRecords == 0 ? Double.NaN : (double) offsets / inputRecords;
        }

        double bytesPerRecord(long inputRecords) {
            return inputRecords == 0 ? Double.NaN : (double) bytes / inputRecords;
        }
    }

    private TopicTraffic() {}

    /** Every topic whose name starts with {@code prefix}, with its summed end offsets and on-disk size. */
    static Snapshot snapshot(Admin admin, String prefix) throws InterruptedException {
        try {
            List<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).stream().filter(n -> n.startsWith(prefix)).toList();
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<String, Long> offsets = new HashMap<>();
            ends.forEach((tp, info) -> offsets.merge(tp.topic(), info.offset(), Long::sum));
            Map<String, Long> bytes = new HashMap<>();
            List<Integer> brokers = admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS).stream().map(Node::id).toList();
            Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions().get(TIMEOUT_S, TimeUnit.SECONDS);
            for (Map<String, LogDirDescription> perBroker : dirs.values()) {
                for (LogDirDescription dir : perBroker.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
                        if (r.getKey().topic().startsWith(prefix)) bytes.merge(r.getKey().topic(), r.getValue().size(), Long::sum);
                    }
                }
            }
            Map<String, Size> out = new TreeMap<>();
            for (String n : names) out.put(n, new Size(offsets.getOrDefault(n, 0L), bytes.getOrDefault(n, 0L)));
            return new Snapshot(out);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the topics' end offsets and sizes: " + e, e);
        }
    }

    /** The topics that grew between the two snapshots, named by {@code role}, in name order. */
    static List<Written> between(Snapshot before, Snapshot after, Function<String, String> role) {
        List<Written> out = new ArrayList<>();
        for (Map.Entry<String, Size> e : after.topics().entrySet()) {
            Size grown = e.getValue().minus(before.topics().getOrDefault(e.getKey(), new Size(0, 0)));
            if (grown.offsets() > 0) out.add(new Written(e.getKey(), role.apply(e.getKey()), grown.offsets(), grown.bytes()));
        }
        return out;
    }

    /** The writes summed by role (named after it), in role order. */
    static List<Written> byRole(List<Written> written) {
        Map<String, long[]> sums = new TreeMap<>();
        for (Written w : written) {
            long[] sum = sums.computeIfAbsent(w.role(), k -> new long[2]);
            sum[0] += w.offsets();
            sum[1] += w.bytes();
        }
        List<Written> out = new ArrayList<>();
        sums.forEach((role, sum) -> out.add(new Written(role, role, sum[0], sum[1])));
        return out;
    }

    /** The role of a topic in a phase, from its name: Streams' internal topics by suffix, the run's own by the names it gave them. */
    static Function<String, String> roles(Bench.Topics t) {
        return name -> {
            if (name.endsWith("-repartition")) return "repartition";
            if (name.endsWith("-changelog")) return "changelog";
            if (name.equals(t.audit())) return "audit";
            if (name.equals(t.dlq())) return "dlq";
            if (name.equals(t.telemetryIn()) || name.equals(t.webhooksIn())) return "input";
            return "output";
        };
    }
}
