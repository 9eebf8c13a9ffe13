package io.eventdedup.tools.cli;

import ch.qos.logback.classic.Level;
import io.eventdedup.tools.failover.RestoreProbe;
import io.eventdedup.tools.failover.RestoreProbeReport;
import io.eventdedup.tools.failover.RestoreVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code event-dedup restore-probe}: how fast one instance restores its stores from their changelogs, and what bounds it. */
@Command(name = "restore-probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measure restore alone: one event-dedup instance in its own JVM pre-fills its stores with --keys keys and stops "
                        + "cleanly; then for each --variant (round after round) its state directory is deleted and it starts again with "
                        + "the variant's settings; the restore is timed from its restore summary line (records, seconds, keys/s) with "
                        + "the CPU the instance and the broker used meanwhile. Nothing else runs.",
                "Beside it, on the same changelog: the fetch bound (a plain KafkaConsumer reading the changelogs end to end with "
                        + "the restore consumer's settings) and the write bound (the same records into RocksDB, WriteBatch by WriteBatch).",
                "Starts a Kafka broker in a JVM of its own unless --bootstrap names a cluster (plaintext; topics get a fresh "
                        + "restore-probe-<id>. prefix). Prints a table; --out writes the figures as JSON.",
                "Exit status: 0 measured (target met or not), 1 the run failed, 2 bad arguments."})
final class RestoreProbeCommand implements Callable<Integer> {
    @Option(names = "--keys", paramLabel = "N", description = "Unique keys to pre-fill the stores with (default: ${DEFAULT-VALUE}).")
    long keys = 1_000_000;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of each input topic, and so of each changelog (default: ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--variant", paramLabel = "NAME[:KEY=VALUE[,KEY=VALUE...]]", description = "A configuration to restore with: event-dedup "
            + "settings over the shipped ones, e.g. poll50k:kafka.restore.consumer.max.poll.records=50000 or threads2:num.stream.threads=2. "
            + "Repeatable; the first is the reference of the bounds' ratios (default: shipped, no settings).")
    List<String> variants = new ArrayList<>();

    @Option(names = "--rounds", paramLabel = "N", description = "Restores of every variant, in alternation (A B A B) (default: ${DEFAULT-VALUE}).")
    int rounds = 1;

    @Option(names = "--prefill-setting", paramLabel = "KEY=VALUE", description = "An event-dedup setting of the pre-filling instance only, "
            + "e.g. kafka.producer.compression.type=lz4 (how the changelog is written). Repeatable.")
    List<String> prefillSettings = new ArrayList<>();

    @Option(names = "--bounds", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure the fetch and write bounds after the restores (default: on; --no-bounds skips them).")
    boolean bounds;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Use this Kafka cluster instead of a broker in its own JVM.")
    String bootstrap;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the figures as JSON to this file.")
    Path out;

    /** The probe's options from the command line; IllegalArgumentException names what is wrong. */
    RestoreProbe.Options options() {
        List<RestoreVariant> vs = new ArrayList<>();
        for (String v : variants) vs.add(RestoreVariant.parse(v));
        if (vs.isEmpty()) vs.add(RestoreVariant.SHIPPED);
        Map<String, String> prefill = new LinkedHashMap<>();
        for (String s : prefillSettings) {
            Map.Entry<String, String> kv = RestoreVariant.setting(s, "--prefill-setting");
            prefill.put(kv.getKey(), kv.getValue());
        }
        return new RestoreProbe.Options(bootstrap, keys, partitions, vs, rounds, prefill, bounds);
    }

    @Override
    public Integer call() throws Exception {
        RestoreProbe.Options o;
        try {
            o = options();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ToolLogs.quiet(Level.ERROR, Level.WARN);
        RestoreProbe.Result r = new RestoreProbe(o, System.out).run();
        System.out.println();
        System.out.print(RestoreProbeReport.table(r));
        if (out != null) Files.writeString(out, RestoreProbeReport.json(r));
        return 0;
    }
}
