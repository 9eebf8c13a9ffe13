package io.eventdedup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code event-dedup} command line of the production jar and the container image: {@code run} and {@code ttl}. The tools jar
 * ({@code io.eventdedup.tools.cli.EventDedupTools}) adds demo, loadgen, broker and bench to it.
 */
@Command(name = "event-dedup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Kafka Streams gate that forwards each business event once.",
        subcommands = {RunCommand.class, TtlCommand.class, CommandLine.HelpCommand.class})
public final class EventDedup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new EventDedup()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
