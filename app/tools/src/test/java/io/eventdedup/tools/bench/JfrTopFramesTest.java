package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JfrTopFramesTest {
    @Test
    void samplesAreCountedByTopFrameByNearestOwnFrameAndByThreadWithoutItsIds() {
        JfrTopFrames t = new JfrTopFrames();
        String thread = "bench-x-event-dedup-16a5917c-5ed1-49c8-8de9-d57f01f7b83a-StreamThread-1";
        t.add(List.of("java.security.SHA256.implCompress", "io.eventdedup.key.Fingerprint.of", "org.apache.kafka.Streams.run"), thread);
        t.add(List.of("java.security.SHA256.implCompress", "io.eventdedup.key.StoreKey.of", "org.apache.kafka.Streams.run"), thread);
        t.add(List.of("org.apache.kafka.clients.producer.KafkaProducer.send"), thread + "-producer");
        t.add(List.of(), thread); // no frames: not a sample

        assertThat(t.topFrames().samples()).isEqualTo(3);
        assertThat(t.topFrames().top().get(0).getKey()).isEqualTo("java.security.SHA256.implCompress");
        assertThat(t.topFrames().top().get(0).getValue()).isEqualTo(2);
        assertThat(t.asMaps().get("own")).containsEntry("io.eventdedup.key.Fingerprint.of", 1L)
                .containsEntry("io.eventdedup.key.StoreKey.of", 1L)
                .containsEntry("(no project frame: Kafka clients/Streams, JDK)", 1L);
        assertThat(t.asMaps().get("thread")).containsOnlyKeys("bench-x-event-dedup-StreamThread-N", "bench-x-event-dedup-StreamThread-1-producer");
        assertThat(t.text(5)).contains("66.7%  java.security.SHA256.implCompress");
    }
}
