package io.eventdedup.key;

/**
 * The payload fingerprint forms (docs/design.md §2). Form 2, canonical by field name and value, is what the store records from this
 * release on; form 1, the writer-order Avro bytes and the Jackson-printed JSON, is what earlier releases stored.
 *
 * <p><b>Upgrade.</b> A store written by an earlier release holds form-1 fingerprints for up to one TTL (plus one segment) after the
 * upgrade. Until those have expired, the dedup step accepts a stored fingerprint equal to either form: form 1 is computed there,
 * only when the stored entry does not hold form 2 ({@link Form1Fingerprints}), or read from an envelope of the earlier release
 * ({@link ResolvedKey#legacyFingerprint()}, {@link ResolvedKey#matchesStored}). The two forms hash differently prefixed
 * inputs, so a form-2 fingerprint never equals a form-1 one by accident. The release after next sets {@link #CARRY_LEGACY} to
 * false and deletes the form-1 code.
 */
public final class Fingerprints {
    /** Whether the dedup step still matches stored entries in form 1 ({@link Form1Fingerprints}). */
    public static final boolean CARRY_LEGACY = true;

    /** First bytes hashed by form 2, so that it can never collide with form 1 or another format's form 2. */
    static final byte[] AVRO_FORM_2 = {'e', 'd', 'f', 'p', 2, 'A'};
    static final byte[] JSON_FORM_2 = {'e', 'd', 'f', 'p', 2, 'J'};

    private Fingerprints() {}
}
