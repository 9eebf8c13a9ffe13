package io.eventdedup.e2e.hostile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls an instance's {@code /health/ready} every 100 ms from {@link #start} to {@link #stop} and keeps every answer that was not
 * 200 (Kafka Streams not RUNNING, or the endpoint gone), with its time: "the instance stays RUNNING throughout" is then
 * {@link #departures()} being empty.
 */
final class ReadinessWatch implements AutoCloseable {
    record Departure(Instant at, int status, String body) {
        @Override
        public String toString() {
            return at + " /health/ready " + status + " " + body.strip();
        }
    }

    private final DedupInstance instance;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "readiness-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<Departure> departures = new ArrayList<>();
    private long polls;
    private long lastReadyNanos = System.nanoTime();

    private ReadinessWatch(DedupInstance instance) {
        this.instance = instance;
    }

    static ReadinessWatch start(DedupInstance instance) {
        ReadinessWatch w = new ReadinessWatch(instance);
        w.poller.scheduleWithFixedDelay(w::poll, 0, 100, TimeUnit.MILLISECONDS);
        return w;
    }

    private void poll() {
        DedupInstance.Answer a = instance.get("/health/ready");
        synchronized (this) {
            polls++;
            if (a.status() != 200) departures.add(new Departure(Instant.now(), a.status(), a.body()));
            else lastReadyNanos = System.nanoTime();
        }
    }

    synchronized List<Departure> departures() {
        return List.copyOf(departures);
    }

    /** How long since /health/ready last answered 200 (zero while it does). */
    synchronized java.time.Duration notReadyFor() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastReadyNanos);
    }

    synchronized long polls() {
        return polls;
    }

    /** Stops polling, after one last poll. */
    void stop() throws InterruptedException {
        poller.shutdown();
        poller.awaitTermination(10, TimeUnit.SECONDS);
        poll();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
