package io.eventdedup.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = EventDedup.class.getPackage().getImplementationVersion();
        return new String[] {"event-dedup " + (v == null ? "dev" : v) + ", Kafka Streams " + org.apache.kafka.common.utils.AppInfoParser.getVersion()};
    }
}
