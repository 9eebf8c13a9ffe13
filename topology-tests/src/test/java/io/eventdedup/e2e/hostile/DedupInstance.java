package io.eventdedup.e2e.hostile;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * event-dedup as operators run it, {@code event-dedup run --config FILE} in its own JVM (so a stuck or dying instance shows as it
 * would in production), its stdout and stderr in a log file. Answers what the suite asks of it: its HTTP endpoints, its metrics,
 * its log lines at ERROR.
 */
final class DedupInstance implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The level column of the app's logback pattern: {@code 2026-01-01T00:00:00.000Z ERROR [thread] logger - message}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ");

    final Path log;
    private final int httpPort;
    private final Process process;

    private DedupInstance(Path log, int httpPort, Process process) {
        this.log = log;
        this.httpPort = httpPort;
        this.process = process;
    }

    static DedupInstance start(Path workDir, Map<String, String> config) {
        try {
            Files.createDirectories(workDir);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Properties p = new Properties();
            p.putAll(config);
            p.put("http.port", Integer.toString(port));
            p.put("http.bind.address", "127.0.0.1");
            Path file = workDir.resolve("instance.properties");
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "hostile-input suite instance");
            }
            Path log = workDir.resolve("instance.log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    "io.eventdedup.cli.EventDedup", "run", "--config", file.toString());
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new DedupInstance(log, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until /health/ready answers 200 (Kafka Streams RUNNING); fails early, with the log, if the process dies. */
    DedupInstance awaitReady(Duration timeout) {
        Awaitility.await("instance ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) throw new AssertionError("the instance exited with " + process.exitValue() + ":\n" + tail(40));
            return get("/health/ready").status() == 200;
        });
        return this;
    }

    record Answer(int status, String body) {}

    /** GET on the instance's HTTP endpoint; status -1 with the error as body when it cannot be reached. */
    Answer get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    /** The sum of a Prometheus series over all its label sets; NaN when the instance cannot be scraped or has no such series. */
    double metric(String name) {
        Answer a = get("/metrics");
        if (a.status() != 200) return Double.NaN;
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([-+0-9.eE]+|NaN)$", Pattern.MULTILINE).matcher(a.body());
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The log lines at level ERROR so far. */
    List<String> errorLines() {
        return lines().stream().filter(l -> ERROR_LINE.matcher(l).find()).toList();
    }

    String tail(int n) {
        List<String> lines = lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 60 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
