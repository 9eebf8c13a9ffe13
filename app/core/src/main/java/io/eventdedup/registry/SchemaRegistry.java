package io.eventdedup.registry;

import org.apache.avro.Schema;

/**
 * The parts of a Confluent-compatible schema registry event-dedup uses. Implementations cache: schemas by id are immutable.
 *
 * <p>Failures are split in two, because they are handled in opposite ways: {@link SchemaNotFoundException} is the record's
 * fault (it names an id the registry does not have) and sends the record to the DLQ; {@link RegistryUnavailableException} is
 * the registry's fault and pauses processing, never touching the record.
 */
public interface SchemaRegistry extends AutoCloseable {

    /** The writer schema registered under {@code id}. */
    Schema schemaById(int id) throws SchemaNotFoundException, RegistryUnavailableException;

    /** Registers {@code schema} under {@code subject} (or finds it already there) and returns its id. */
    int register(String subject, Schema schema) throws RegistryUnavailableException;

    /** Id of {@code schema} under {@code subject}, if registered there. */
    int idOf(String subject, Schema schema) throws SchemaNotFoundException, RegistryUnavailableException;

    /** Subject of a topic's values under Confluent's default TopicNameStrategy. */
    static String valueSubject(String topic) {
        return topic + "-value";
    }

    /** Subject of one record type on a topic under Confluent's TopicRecordNameStrategy: a second record type on the audit topic. */
    static String recordSubject(String topic, Schema schema) {
        return topic + "-" + schema.getFullName();
    }

    @Override
    default void close() {}
}
