package io.eventdedup.topology;

/**
 * What a release command asks besides its key, as it travels from the control topic to the task that owns the key inside a
 * command {@link Envelope}: the source it names (already checked to exist), why, and who asks.
 */
public record ReleaseRequest(String source, String reason, String requester) {}
