package io.eventdedup.tools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kafka broker in a JVM of its own: the tools' {@code broker} command, started with this JVM's {@code java} and class path, so
 * that its CPU, heap and GC are apart from the applications under test (as on a real cluster). Its CPU time is read from
 * {@code /proc/<pid>/stat}. Its output goes to {@code broker.log} in a temp directory, which is deleted on close unless the
 * broker failed to start.
 */
public final class BrokerProcess implements AutoCloseable {
    static final String BOOTSTRAP_PREFIX = "bootstrap.servers=";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** The broker's heap: Kafka's own default ({@code kafka-server-start.sh}). */
    static final String HEAP = "-Xmx1g";

    private final Process process;
    private final Path logDir;
    private final String bootstrap;

    private BrokerProcess(Process process, Path logDir, String bootstrap) {
        this.process = process;
        this.logDir = logDir;
        this.bootstrap = bootstrap;
    }

    /** The child's command line: same java, same class path, the tools' main class, {@code broker} and its options. */
    static List<String> command(String javaBinary, String classPath, List<String> jvmOptions, long segmentBytes) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("io.eventdedup.tools.cli.EventDedupTools");
        cmd.add("broker");
        cmd.add("--log-segment-bytes=" + segmentBytes);
        cmd.add("--stop-with-parent");
        return cmd;
    }

    /** Starts the broker and returns once it printed its bootstrap address (it accepts clients then). */
    public static BrokerProcess start(long segmentBytes, List<String> jvmOptions) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> options = new ArrayList<>(List.of(HEAP));
        options.addAll(jvmOptions);
        Path logDir = Files.createTempDirectory("event-dedup-bench-broker");
        Path log = logDir.resolve("broker.log");
        Process p = new ProcessBuilder(command(java, System.getProperty("java.class.path"), options, segmentBytes))
                .redirectErrorStream(true).start();
        CompletableFuture<String> address = CompletableFuture.supplyAsync(() -> copyUntilAddress(p, log));
        try {
            String bootstrap = address.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (bootstrap == null) throw new IllegalStateException("the broker process exited (" + exitText(p) + ") before it printed its address; see " + log);
            return new BrokerProcess(p, logDir, bootstrap);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("the broker process did not start within " + START_TIMEOUT.toSeconds() + " s; see " + log, e);
        } catch (RuntimeException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Copies the child's output to the log file, returns the bootstrap address once printed, and keeps copying (a daemon thread). */
    private static String copyUntilAddress(Process p, Path log) {
        try {
            PrintStream file = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                file.println(line);
                if (line.startsWith(BOOTSTRAP_PREFIX)) {
                    String address = line.substring(BOOTSTRAP_PREFIX.length()).trim();
                    Thread drain = new Thread(() -> drain(in, file), "bench-broker-output");
                    drain.setDaemon(true);
                    drain.start();
                    return address;
                }
            }
            file.close();
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the broker process's output", e);
        }
    }

    private static void drain(BufferedReader in, PrintStream file) {
        try (in; file) {
            String line;
            while ((line = in.readLine()) != null) file.println(line);
        } catch (IOException e) {
            file.println("(output ended: " + e + ")");
        }
    }

    private static String exitText(Process p) {
        try {
            return p.waitFor(1, TimeUnit.SECONDS) ? "exit status " + p.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public long pid() {
        return process.pid();
    }

    /** CPU nanoseconds the broker process has used so far; -1 when it cannot be read. */
    public long cpuNanos() {
        return ProcStat.cpuNanos(process.pid());
    }

    /** Stops the broker (SIGTERM: its shutdown hook closes it and deletes its data), forcibly after 30 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        try (var files = Files.walk(logDir)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
        }
    }
}
