package io.eventdedup.tools.cli;

import io.eventdedup.cli.EventDedup;
import picocli.CommandLine;

/**
 * The {@code event-dedup} command line of the tools jar ({@code app/target/event-dedup.jar}): the production commands of
 * {@link EventDedup} (run, ttl) plus the tools that need an in-process broker or generate load (demo, loadgen, broker, bench, failover, restore-probe).
 * The container image carries only the production commands.
 */
public final class EventDedupTools {
    private EventDedupTools() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return EventDedup.commandLine()
                .addSubcommand(new DemoCommand())
                .addSubcommand(new LoadgenCommand())
                .addSubcommand(new BrokerCommand())
                .addSubcommand(new BenchCommand())
                .addSubcommand(new FailoverCommand())
                .addSubcommand(new RestoreProbeCommand());
    }
}
