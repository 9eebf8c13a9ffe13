package io.eventdedup.cli;

import io.eventdedup.config.SettingsReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Lists every setting with its default, environment variable and documentation, from the settings table. Connects to nothing. */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = "List every setting: key, default, type, environment variable and what it does. Connects to nothing.")
final class SettingsCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "Print the reference page (docs/configuration.md) instead.")
    boolean markdown;

    @Override
    public Integer call() {
        System.out.print(markdown ? SettingsReference.markdown() : SettingsReference.text());
        return 0;
    }
}
