package io.eventdedup.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small thread-safe LRU map. Registry answers are immutable, so entries never expire; the bound only keeps a client that meets
 * many schema ids (or a hostile stream naming random ids that happen to exist) from growing without limit. Answers that do expire
 * (an id the registry does not have) are kept by {@link NotFoundCache}.
 */
final class BoundedCache<K, V> {
    private final Map<K, V> map;

    BoundedCache(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    synchronized void remove(K key) {
        map.remove(key);
    }

    synchronized int size() {
        return map.size();
    }

    synchronized void clear() {
        map.clear();
    }
}
