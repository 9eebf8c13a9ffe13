package io.eventdedup.tools.cli;

import ch.qos.logback.classic.Level;
import io.eventdedup.tools.failover.FailoverReport;
import io.eventdedup.tools.failover.FailoverRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code event-dedup failover}: how long partitions pause, restarts take and restores run when an instance of three is killed. */
@Command(name = "failover", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measure failover: 3 event-dedup instances as separate processes in one group, a pre-filled store, steady load; one "
                        + "instance killed (SIGKILL; SIGTERM every --sigterm-every-th fault) and restarted on its state directory after "
                        + "--restart-delay, fault after fault, round robin. Per fault: the longest pause of committed output of any "
                        + "partition, seconds from the fault to the instance RUNNING again, records restored and keys/s; at the end, "
                        + "whether the exactly-once ledger of the steady load reconciles.",
                "Starts a Kafka broker in this process unless --bootstrap names a cluster (plaintext; topics get a fresh "
                        + "failover-<id>. prefix). Prints a table; --out writes the figures as JSON.",
                "Exit status: 0 ledger exact (targets met or not), 1 ledger not exact or the run failed, 2 bad arguments."})
final class FailoverCommand implements Callable<Integer> {
    @Option(names = "--keys", paramLabel = "N", description = "Unique keys to pre-fill the stores with (default: ${DEFAULT-VALUE}).")
    long keys = 1_000_000;

    @Option(names = "--faults", paramLabel = "N", description = "Faults to inject (default: ${DEFAULT-VALUE}).")
    int faults = 10;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Seconds between faults (default: ${DEFAULT-VALUE}).")
    long intervalSeconds = 20;

    @Option(names = "--sigterm-every", paramLabel = "N", description = "Every N-th fault is a SIGTERM; 0 = none (default: ${DEFAULT-VALUE}).")
    int sigtermEvery = 3;

    @Option(names = "--restart-delay", paramLabel = "MILLIS", description = "Pause before restarting the instance (default: ${DEFAULT-VALUE}).")
    long restartDelayMillis = 1_000;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--rate", paramLabel = "RECORDS_PER_S", description = "Steady load (default: ${DEFAULT-VALUE}).")
    double rate = 1_000;

    @Option(names = "--membership", paramLabel = "static|dynamic", description = "static: group.instance.id per instance, as the "
            + "shipped StatefulSet; dynamic: none (default: ${DEFAULT-VALUE}).")
    String membership = "static";

    @Option(names = "--standby-replicas", paramLabel = "N", description = "standby.replicas (default: ${DEFAULT-VALUE}, as shipped).")
    int standbys = 1;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Use this Kafka cluster instead of a broker in this process.")
    String bootstrap;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the figures as JSON to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!membership.equals("static") && !membership.equals("dynamic")) {
            System.err.println("--membership must be static or dynamic");
            return 2;
        }
        ToolLogs.quiet(Level.ERROR, Level.WARN);
        FailoverRun.Result r = new FailoverRun(new FailoverRun.Options(bootstrap, keys, faults, Duration.ofSeconds(intervalSeconds), sigtermEvery,
                partitions, rate, membership.equals("static"), standbys, Duration.ofMillis(restartDelayMillis)), System.out).run();
        System.out.println();
        System.out.print(FailoverReport.table(r));
        if (out != null) Files.writeString(out, FailoverReport.json(r));
        return r.reconciliation().ok() ? 0 : 1;
    }
}
