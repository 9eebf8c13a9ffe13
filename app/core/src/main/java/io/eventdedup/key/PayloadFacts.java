package io.eventdedup.key;

import java.util.Map;

/**
 * What inspecting a payload yields: the values of the fields the key and tenant rules ask for (absent or null fields are
 * missing from the map), the fingerprint (form 2, {@link Fingerprints}) and, while stores may still hold it, the form-1 fingerprint
 * the previous release stored (null when not computed).
 */
public record PayloadFacts(Map<String, String> fields, byte[] fingerprint, byte[] legacyFingerprint) {
    public PayloadFacts(Map<String, String> fields, byte[] fingerprint) {
        this(fields, fingerprint, null);
    }
}
