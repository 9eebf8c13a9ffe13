package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerProcessTest {
    @Test
    void theChildIsTheToolsBrokerCommandOnTheSameJavaAndClassPath() {
        assertThat(BrokerProcess.command("/jdk/bin/java", "a.jar:b.jar", List.of("-Xmx1g"), 256L << 20)).containsExactly(
                "/jdk/bin/java", "-Xmx1g", "-cp", "a.jar:b.jar", "io.eventdedup.tools.cli.EventDedupTools", "broker",
                "--log-segment-bytes=268435456", "--stop-with-parent");
    }
}
