package io.eventdedup.key;

/** Decodes just enough of a value to give the requested fields and the payload fingerprint. One instance per stream thread. */
public interface PayloadInspector {
    /**
     * Deepest nesting of objects, arrays, records and maps a payload may have; deeper is UNDECODABLE. Real events nest a dozen
     * levels at most; the cap keeps a forged value (JSON nested 100,000 deep, a recursive Avro schema) off the stack.
     */
    int MAX_NESTING_DEPTH = 256;

    PayloadFacts inspect(byte[] value) throws InvalidRecordException;
}
