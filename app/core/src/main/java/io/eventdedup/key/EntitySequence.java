package io.eventdedup.key;

/**
 * What the stale check needs of one event of a stale-checked source (docs/design.md §5): the entity it updates and its sequence.
 *
 * @param entity    the entity field's value as text
 * @param sequence  the sequence as a comparable number: the number itself, or a timestamp's epoch nanoseconds ({@link Sequences})
 * @param entityKey 16-byte hash of (source, tenant, entity), {@link DedupKeys#storeKey}: the stale store's and the repartition's key
 */
public record EntitySequence(String entity, long sequence, byte[] entityKey) {}
