package io.eventdedup.tools.loadgen;

import java.util.Objects;

/**
 * One logical event of a run: its source and its sequence number, which the generator writes into the payload
 * ({@link LoadgenMarkers}) so that the reconciler recognises the event on the output topic whatever its dedup key.
 */
public record EventId(EventSource source, long seq) implements Comparable<EventId> {
    public EventId {
        Objects.requireNonNull(source, "source");
        if (seq < 0) throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }

    @Override
    public int compareTo(EventId o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : source.compareTo(o.source);
    }

    @Override
    public String toString() {
        return source.sourceName() + "#" + seq;
    }
}
