package io.eventdedup.registry;

import org.apache.avro.Schema;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * In-memory registry for {@code mock://SCOPE} URLs, after Confluent's own convention: every client of the same scope in one JVM
 * sees the same schemas, so a test's producer and the topology agree on ids. It can be switched "down" to play an outage.
 */
public final class MockSchemaRegistry implements SchemaRegistry {
    // One registry per scope for the JVM: the point of mock:// is that separately built clients share it.
    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Map<Schema, Integer>> bySubject = new HashMap<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private int nextId = 1;

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    public static MockSchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** Forgets a scope, so the next {@link #forScope} starts empty. */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    /** While down, every call throws {@link RegistryUnavailableException}, as a real registry outage would. */
    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    private void checkUp() {
        if (down.get()) throw new RegistryUnavailableException("mock://" + scope + " is down (simulated outage)");
    }

    @Override
    public synchronized Schema schemaById(int id) {
        checkUp();
        Schema s = byId.get(id);
        if (s == null) throw new SchemaNotFoundException("schema id " + id + " not found in mock://" + scope);
        return s;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        checkUp();
        Map<Schema, Integer> versions = bySubject.computeIfAbsent(subject, k -> new HashMap<>());
        Integer existing = versions.get(schema);
        if (existing != null) return existing;
        // Same schema under another subject keeps its id, as in Confluent's registry.
        int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey).findFirst().orElse(nextId++);
        byId.put(id, schema);
        versions.put(schema, id);
        return id;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        checkUp();
        Integer id = bySubject.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) throw new SchemaNotFoundException("schema not registered under subject " + subject + " in mock://" + scope);
        return id;
    }
}
