package io.eventdedup.e2e;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * event-dedup as operators run it: {@code event-dedup run --config FILE} in its own JVM, so it can be killed without a clean
 * close ({@link #kill()}, SIGKILL) or stopped with SIGTERM ({@link #stop()}). Its output goes to a log file next to its config.
 */
final class AppProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int httpPort;
    /** The key lookup's port, or -1 when the config leaves lookup.enabled off. */
    final int lookupPort;
    final Path log;
    private final Process process;

    private AppProcess(String name, int httpPort, int lookupPort, Path log, Process process) {
        this.name = name;
        this.httpPort = httpPort;
        this.lookupPort = lookupPort;
        this.log = log;
        this.process = process;
    }

    static AppProcess start(String name, Path workDir, Map<String, String> config) {
        try {
            Files.createDirectories(workDir);
            int port = freePort();
            Properties p = new Properties();
            p.putAll(config);
            p.put("http.port", Integer.toString(port));
            p.put("http.bind.address", "127.0.0.1");
            int lookupPort = -1;
            if ("true".equals(config.get("lookup.enabled"))) {
                lookupPort = freePort();
                p.put("lookup.port", Integer.toString(lookupPort));
                p.put("lookup.bind.address", "127.0.0.1");
                p.put("lookup.advertised", "127.0.0.1:" + lookupPort);
            }
            Path file = workDir.resolve(name + ".properties");
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "end-to-end test instance " + name);
            }
            Path log = workDir.resolve(name + ".log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    "io.eventdedup.cli.EventDedup", "run", "--config", file.toString()));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new AppProcess(name, port, lookupPort, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** GET on the key lookup; the response, or null while nothing listens (the process is starting or gone). */
    HttpResponse<String> lookup(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lookupPort + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The lookup's advertised host:port, as the answers' X-Event-Dedup-Answered-By names an instance. */
    String lookupAddress() {
        return "127.0.0.1:" + lookupPort;
    }

    String metrics() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits until /health/ready answers 200 (Kafka Streams RUNNING); fails early, with the log, if the process dies. */
    AppProcess awaitReady(Duration timeout) {
        Awaitility.await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            return status("/health/ready") == 200;
        });
        return this;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no commit, no clean close of the stores. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end on its own; its exit status, or fails with the log. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGTERM and the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within 90 s of SIGTERM:\n" + tail());
        }
        return process.exitValue();
    }

    /** The lines of the process's log so far that contain {@code text}. */
    List<String> logLines(String text) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) stop();
    }
}
