package io.eventdedup.lookup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * What the gate holds about one key, as the lookup answers it (docs/design.md, "Key lookup"):
 *
 * <pre>
 * {"source":..,"tenant":..,"key":..,"state":"FORWARDED"|"RELEASED"|"NOT_SEEN",
 *  "first_seen":{"time":ISO-8601,"topic":..,"partition":..,"offset":..},   absent for NOT_SEEN
 *  "deliveries":N, "expires_at":ISO-8601}                                   absent for NOT_SEEN
 * </pre>
 *
 * {@code first_seen.time} is the first arrival on the owner's wall clock (the store entry's timestamp), {@code expires_at} that
 * plus the source's TTL: from then on a delivery with the key is UNIQUE again. {@code topic} is "unknown" for a source's 256th
 * and later input topics (the store entry keeps one byte for it).
 */
public record KeyAnswer(String source, String tenant, String key, State state, FirstSeen firstSeen, int deliveries, Instant expiresAt) {
    public enum State {
        /** Held: its first delivery was forwarded, later ones within the TTL are duplicates. */
        FORWARDED,
        /** Released by a control command: the next delivery is UNIQUE again. */
        RELEASED,
        /** Not in the store within the TTL: never seen, or expired. */
        NOT_SEEN
    }

    public record FirstSeen(Instant time, String topic, int partition, long offset) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static KeyAnswer notSeen(LookupRequest r) {
        return new KeyAnswer(r.source().name(), r.tenant(), r.key(), State.NOT_SEEN, null, 0, null);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode().put("source", source).put("tenant", tenant).put("key", key).put("state", state.name());
        if (firstSeen != null) {
            o.putObject("first_seen").put("time", firstSeen.time().toString()).put("topic", firstSeen.topic())
                    .put("partition", firstSeen.partition()).put("offset", firstSeen.offset());
            o.put("deliveries", deliveries).put("expires_at", expiresAt.toString());
        }
        return o.toString();
    }
}
