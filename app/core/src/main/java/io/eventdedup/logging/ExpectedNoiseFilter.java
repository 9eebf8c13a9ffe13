package io.eventdedup.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drops the four Kafka log events that every start or expected recovery produces and nobody can act on, and nothing else:
 * <ul>
 *   <li>TaskManager's ERROR "Get exceptions for the following tasks" when every exception in it is a TaskCorruptedException: under
 *       exactly-once a store without a checkpoint (not closed cleanly: SIGKILL, OOM kill; or closed while it had held nothing, so
 *       Kafka Streams had no offset to write) is wiped and rebuilt from its changelog. The task ids are kept
 *       for {@link io.eventdedup.runtime.RestoreSummary}, which logs one WARN line saying what was restored and why.</li>
 *   <li>NetworkClient's WARN about UNKNOWN_TOPIC_OR_PARTITION when every topic named is a repartition topic: the consumer asks
 *       for them before Kafka Streams has created them at the first rebalance.</li>
 *   <li>StreamsConfig's WARN that the processing exception handler is not enabled for the GlobalThread: event-dedup has no
 *       global store, and sets {@code processing.exception.handler.global.enabled=true}; Kafka warns from internal copies.</li>
 *   <li>StateDirectory's WARN that the application directory is not empty after {@code KafkaStreams.cleanUp()}, which
 *       {@link io.eventdedup.runtime.UncleanShutdownGuard} calls after an unclean shutdown (the stores are deleted).</li>
 * </ul>
 */
public final class ExpectedNoiseFilter extends TurboFilter {
    private static final Set<String> CORRUPTED = ConcurrentHashMap.newKeySet();

    /** Task ids whose corruption report was dropped since the last call; empties the set. */
    public static Set<String> drainCorruptedTasks() {
        Set<String> out = new java.util.TreeSet<>();
        for (String id : CORRUPTED) if (CORRUPTED.remove(id)) out.add(id);
        return out;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || logger == null) return FilterReply.NEUTRAL;
        String name = logger.getName();
        if (level == Level.ERROR && name.endsWith(".TaskManager") && format.contains("Get exceptions for the following tasks")) {
            boolean corruptedOnly = params == null || params.length == 0 ? onlyCorruptedTasks(format) : onlyCorruptedTasks(params);
            return corruptedOnly ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
        if (level == Level.WARN && name.equals("org.apache.kafka.clients.NetworkClient") && format.contains("recoverable issue")) {
            return onlyMissingRepartitionTopics(format, params) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
        if (level == Level.WARN && name.equals("org.apache.kafka.streams.StreamsConfig")
                && format.startsWith("Processing exception handler is not enabled for the GlobalThread")) {
            return FilterReply.DENY;
        }
        if (level == Level.WARN && name.endsWith(".StateDirectory") && format.contains("Failed to delete state store directory of")
                && format.contains("for it is not empty")) {
            return FilterReply.DENY; // UncleanShutdownGuard's cleanUp(): the task directories are gone, the app directory's own files stay
        }
        return FilterReply.NEUTRAL;
    }

    static boolean onlyCorruptedTasks(Object[] params) {
        if (params == null || params.length != 1 || !(params[0] instanceof Map<?, ?> byTask) || byTask.isEmpty()) return false;
        for (Object e : byTask.values()) {
            if (!(e instanceof org.apache.kafka.streams.errors.TaskCorruptedException)) return false;
        }
        byTask.keySet().forEach(id -> CORRUPTED.add(String.valueOf(id)));
        return true;
    }

    /** A task id followed by its exception's class in a formatted map: {@code 5_3=org.apache...TaskCorruptedException: ...}. */
    private static final java.util.regex.Pattern TASK_ENTRY = java.util.regex.Pattern.compile("(?:\\{|, )(\\d+_\\d+)=([\\w.$]+)");

    /**
     * The same decision on the message as Kafka's own loggers hand it over: {@code LogContext} formats the message (prefix and
     * arguments) before it reaches the logging framework, so the map is text by then: "... tasks: {5_3=org.apache...
     * TaskCorruptedException: Tasks [5_3] are corrupted ..., 5_5=...}".
     */
    static boolean onlyCorruptedTasks(String message) {
        int open = message.indexOf('{', message.indexOf("Get exceptions for the following tasks"));
        if (open < 0) return false;
        java.util.regex.Matcher m = TASK_ENTRY.matcher(message);
        m.region(open, message.length());
        Set<String> ids = new java.util.TreeSet<>();
        while (m.find()) {
            if (!m.group(2).equals(org.apache.kafka.streams.errors.TaskCorruptedException.class.getName())) return false;
            ids.add(m.group(1));
        }
        if (ids.isEmpty()) return false;
        CORRUPTED.addAll(ids);
        return true;
    }

    /** The formatted message names only repartition topics, each UNKNOWN_TOPIC_OR_PARTITION: "... : {a-repartition=UNKNOWN_...}". */
    static boolean onlyMissingRepartitionTopics(String format, Object[] params) {
        String message = org.slf4j.helpers.MessageFormatter.arrayFormat(format, params).getMessage();
        int open = message.lastIndexOf('{');
        int close = message.lastIndexOf('}');
        if (open < 0 || close < open + 2) return false;
        for (String entry : message.substring(open + 1, close).split(",")) {
            String[] kv = entry.trim().split("=", 2);
            if (kv.length != 2 || !kv[0].endsWith("-repartition") || !kv[1].equals("UNKNOWN_TOPIC_OR_PARTITION")) return false;
        }
        return true;
    }
}
