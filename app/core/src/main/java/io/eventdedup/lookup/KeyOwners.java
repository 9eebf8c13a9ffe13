package io.eventdedup.lookup;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** Who owns a key's store partition now, and this instance's own stores: the seam between the lookup and Kafka Streams. */
interface KeyOwners {
    sealed interface Owner permits Here, There, Unknown {}

    /** This instance's active task owns the key, in this partition of the store. */
    record Here(int partition) implements Owner {}

    /** Another instance's active task owns it; its lookup listener is at {@code host}. */
    record There(HostInfo host) implements Owner {}

    /** Nobody can say now (rebalancing, starting, restoring): the caller must retry. */
    record Unknown(String reason) implements Owner {}

    Owner ownerOf(String storeName, Bytes storeKey);

    /**
     * This instance's store partition, only while its task is RUNNING (no stale reads of a restoring store).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the task restores or has moved
     */
    ReadOnlyWindowStore<Bytes, byte[]> localStore(String storeName, int partition);
}
