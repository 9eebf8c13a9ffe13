package io.eventdedup.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The {@code --config FILE} option shared by the commands. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file; built-in defaults fill what it leaves out, EVENT_DEDUP_* environment variables override it.")
    Path file;

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
