package io.eventdedup.tools.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The tools print their own progress; the broker's and the clients' INFO logs (in this JVM) would drown it. */
final class ToolLogs {
    private static final String[] KAFKA = {"org.apache.kafka", "kafka", "state.change.logger", "org.apache.kafka.streams.KafkaStreams"};

    private ToolLogs() {}

    /** Kafka's loggers (broker, clients, Streams) at {@code kafka}, event-dedup's own at {@code ours}. */
    static void quiet(Level kafka, Level ours) {
        for (String name : KAFKA) ((Logger) LoggerFactory.getLogger(name)).setLevel(kafka);
        ((Logger) LoggerFactory.getLogger("io.eventdedup")).setLevel(ours);
    }
}
