package io.eventdedup.key;

/** Decodes just enough of a value to give the requested fields and the payload fingerprint. One instance per stream thread. */
public interface PayloadInspector {
    PayloadFacts inspect(byte[] value) throws InvalidRecordException;
}
