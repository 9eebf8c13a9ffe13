package io.eventdedup.key;

import java.util.Map;

/**
 * What inspecting a payload yields: the values of the fields the key and tenant rules ask for (absent or null fields are
 * missing from the map) and the fingerprint, SHA-256 over the canonical payload without the volatile fields.
 */
public record PayloadFacts(Map<String, String> fields, byte[] fingerprint) {}
