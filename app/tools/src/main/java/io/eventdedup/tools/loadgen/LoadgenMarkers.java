package io.eventdedup.tools.loadgen;

/**
 * Where the generator writes a logical event's identity inside its payload, so that the {@link Reconciler} recognises it on the
 * output topic even when its dedup key is a payload fingerprint. These are ordinary, non-volatile payload fields: they are part of
 * the fingerprint, which is fine because every logical event is distinct anyway.
 */
public final class LoadgenMarkers {
    /** {@code TelemetryEvent.labels} entry: the logical event's sequence number. */
    public static final String LABEL_SEQ = "loadgen.seq";
    /** {@code TelemetryEvent.labels} entry: the run id ({@link LoadLedger#runId()}). */
    public static final String LABEL_RUN = "loadgen.run";
    /** {@code TelemetryEvent.labels} entry, present only on a payload-mismatch delivery: the content variant (1). */
    public static final String LABEL_VARIANT = "loadgen.variant";
    /** Top-level field of a webhook's JSON body: the logical event's sequence number. */
    public static final String JSON_SEQ = "seq";
    /** Top-level field of a webhook's JSON body: the run id. */
    public static final String JSON_RUN = "loadgen_run";
    /** Top-level field of a webhook's JSON body, present only on a payload-mismatch delivery: the content variant (1). */
    public static final String JSON_VARIANT = "loadgen_variant";
    /** The content variant of a payload-mismatch delivery. */
    public static final int MISMATCH_VARIANT = 1;
    /** The content variant of a stale update: the same object as its logical event, one version older, another key. */
    public static final int STALE_VARIANT = 2;
    /** Sequence number written into malformed records, which are no logical event. */
    public static final long NO_SEQ = -1;

    private LoadgenMarkers() {}
}
