package io.eventdedup.runtime;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wipes this application's local state before start when the previous run on this state directory did not close cleanly.
 *
 * <p>Under exactly-once, Kafka Streams 4.3 refuses a RocksDB store that was open when its process died (it may hold uncommitted
 * writes): every such store is wiped and rebuilt from its changelog anyway. Left to Kafka Streams, that happens task by task with a
 * TaskCorruptedException each, and for the segmented (window) stores of a standby task it fails outright: the revived task reads
 * the offsets of a segment that was closed by the failed open ({@code InvalidStateStoreException: Store ... is currently closed}),
 * which stops the instance. Wiping first ({@link KafkaStreams#cleanUp()}) gives the same result without either.
 *
 * <p>A marker file {@code <state.dir>/<application.id>.running} is created before start and removed when Kafka Streams reaches
 * NOT_RUNNING (a clean close); found at start, it means the previous run was killed, crashed or did not finish closing.
 */
public final class UncleanShutdownGuard {
    private static final Logger LOG = LoggerFactory.getLogger(UncleanShutdownGuard.class);
    private final Path marker;

    private UncleanShutdownGuard(Path marker) {
        this.marker = marker;
    }

    /** Call with {@code streams} CREATED, before {@link KafkaStreams#start()}; true in {@link #wiped()} when the state was wiped. */
    public static UncleanShutdownGuard arm(String stateDir, String applicationId, KafkaStreams streams, RestoreSummary restores) {
        Path marker = Path.of(stateDir).resolve(applicationId + ".running");
        try {
            Files.createDirectories(marker.getParent());
            if (Files.exists(marker)) {
                streams.cleanUp();
                restores.previousRunUnclean();
                LOG.debug("Previous run on {} did not close cleanly: local state wiped before start", stateDir);
            }
            Files.writeString(marker, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
        return new UncleanShutdownGuard(marker);
    }

    /** Removes the marker on NOT_RUNNING, the state Kafka Streams reaches only through a clean close. */
    public void onStateChange(KafkaStreams.State now) {
        if (now != KafkaStreams.State.NOT_RUNNING) return;
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: the next start will rebuild the local state from the changelogs", marker, e);
        }
    }
}
