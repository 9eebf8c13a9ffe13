package io.eventdedup.tools.cli;

import io.eventdedup.tools.embedded.EmbeddedKafkaCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** A throwaway single-node Kafka broker, for trying event-dedup and its tools without a cluster. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a throwaway single-node Kafka broker (KRaft, in this process, data in a temp directory deleted on exit), "
                + "print its bootstrap address and run until SIGTERM/SIGINT. For local trials only.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--topic", paramLabel = "NAME[:PARTITIONS]", description = "Create a topic at start-up (repeatable; default 6 partitions).")
    List<String> topics = List.of();

    @Option(names = "--log-segment-bytes", paramLabel = "BYTES", description = "log.segment.bytes of the broker (default: the "
            + "embedded broker's, 8 MiB; the bench's child broker uses 256 MiB).")
    Long segmentBytes;

    @Option(names = "--stop-with-parent", description = "Stop when the process that started this one exits (the bench's child broker "
            + "then never outlives a killed bench).")
    boolean stopWithParent;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaCluster cluster = segmentBytes == null ? EmbeddedKafkaCluster.start()
                : EmbeddedKafkaCluster.start(Map.of("log.segment.bytes", Long.toString(segmentBytes)));
        for (String t : topics) {
            String[] parts = t.split(":", 2);
            cluster.createTopics(parts.length == 2 ? Integer.parseInt(parts[1]) : 6, parts[0]);
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            closed.countDown();
        }, "broker-shutdown"));
        // The shutdown hook closes the broker and deletes its data on the way out.
        if (stopWithParent) ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
        System.out.println("bootstrap.servers=" + cluster.bootstrapServers());
        System.out.flush();
        closed.await();
        return 0;
    }
}
