package io.eventdedup.tools.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event-dedup instance as operators run it: {@code event-dedup run --config FILE} in its own JVM, on its own state directory
 * and HTTP port, restartable on the same state; its output is appended to {@code NAME.log}.
 */
final class Instance implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    private final Path config;
    private final Path log;
    private final Map<String, String> env;
    private final Path stateDir;
    private final int httpPort;
    private Process process;
    private long startedNanos;

    Instance(String name, Path workDir, Map<String, String> settings, Map<String, String> env) {
        this.name = name;
        this.env = env;
        try {
            httpPort = freePort();
            config = workDir.resolve(name + ".properties");
            stateDir = workDir.resolve(name + "-state");
            log = workDir.resolve(name + ".log");
            try (Writer w = Files.newBufferedWriter(config)) {
                for (Map.Entry<String, String> e : settings.entrySet()) w.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
                w.write("state.dir=" + stateDir.toString().replace("\\", "\\\\") + "\n");
                w.write("http.port=" + httpPort + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void start() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.eventdedup.cli.EventDedup",
                "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("EVENT_DEDUP_"));
        pb.environment().putAll(env);
        try {
            startedNanos = System.nanoTime();
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long startedNanos() {
        return startedNanos;
    }

    /** The process id of the running (or last) process. */
    long pid() {
        return process.pid();
    }

    Path stateDir() {
        return stateDir;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no commit, no flush, no clean close of the stores. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; returns the seconds until the process exited (a clean close), or -1 after {@code timeout} (then SIGKILL). */
    double terminate(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return (System.nanoTime() - t0) / 1e9;
        kill();
        return -1;
    }

    boolean ready() {
        return status("/health/ready") == 200;
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The /metrics text, or "" when the instance does not answer. */
    String metrics() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) terminate(Duration.ofSeconds(30));
    }
}
