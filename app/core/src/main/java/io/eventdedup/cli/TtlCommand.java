package io.eventdedup.cli;

import io.eventdedup.config.ConfigException;
import io.eventdedup.config.ConfigLoader;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.runtime.StartupSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** Explains every source's TTL without connecting to anything. */
@Command(name = "ttl", mixinStandardHelpOptions = true,
        description = "Print each source's TTL derivation (TTL = R + k·L + B), store retention and capacity estimate, and exit. Connects to nothing.")
final class TtlCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        List<SourceConfig> sources;
        try {
            sources = ConfigLoader.loadSources(config.file(), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (SourceConfig s : sources) {
            System.out.println(StartupSummary.ttlReport(s));
        }
        return 0;
    }
}
