package io.eventdedup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code event-dedup} command line of the production jar and the container image: {@code run} and {@code ttl}. The tools jar
 * ({@code io.eventdedup.tools.cli.EventDedupTools}) adds demo, loadgen, broker and bench to it.
 */
@Command(name = "event-dedup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Kafka Streams gate that forwards each business event once.",
        subcommands = {RunCommand.class, TtlCommand.class, SettingsCommand.class, CommandLine.HelpCommand.class})
public final class EventDedup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Footer of the commands that read a configuration: where the settings are listed. */
    static final String SETTINGS_FOOTER = "%nSettings: `event-dedup settings` lists every setting with its default and environment "
            + "variable (also docs/configuration.md). Layers: built-in defaults < --config FILE < EVENT_DEDUP_* variables.";

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EventDedup()).setCaseInsensitiveEnumValuesAllowed(true);
        for (String command : new String[] {"run", "ttl"}) {
            cl.getSubcommands().get(command).getCommandSpec().usageMessage().footer(SETTINGS_FOOTER);
        }
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
