package io.eventdedup.topology;

/** Where an input record was read: topic, partition, offset, timestamp. */
public record Origin(String topic, int partition, long offset, long timestamp) {}
