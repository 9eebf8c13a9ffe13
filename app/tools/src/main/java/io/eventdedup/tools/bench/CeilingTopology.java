package io.eventdedup.tools.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.util.Map;
import java.util.Properties;

/**
 * The exactly-once ceiling: a Kafka Streams topology that copies each input topic's records (key, value, headers, timestamp, as
 * bytes) to an output topic and does nothing else. Run with the same Streams properties as event-dedup, it is the most any
 * exactly-once Streams application can do with the same broker, input, threads and commit interval.
 */
final class CeilingTopology {
    private CeilingTopology() {}

    /** @param inputToOutput input topic → the topic its records are copied to */
    static Topology build(Map<String, String> inputToOutput, Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        int i = 0;
        for (Map.Entry<String, String> e : inputToOutput.entrySet()) {
            builder.stream(e.getKey(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("copy-" + i + "-input"))
                    .to(e.getValue(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("copy-" + i + "-output"));
            i++;
        }
        return builder.build(props);
    }
}
