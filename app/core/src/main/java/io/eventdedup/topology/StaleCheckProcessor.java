package io.eventdedup.topology;

import io.eventdedup.config.DedupConfig;
import io.eventdedup.config.SourceConfig;
import io.eventdedup.key.EntitySequence;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.util.ArrayList;
import java.util.List;

/**
 * The stale check (docs/design.md §5): reads the unique events of a stale-checked source, repartitioned by entity, and decides
 * UNIQUE (forwarded, its sequence now the entity's newest) or STALE (its sequence is not greater than the newest forwarded for its
 * entity within the TTL: audited with both sequences, not forwarded). Each such event is counted here, once: the dedup step leaves
 * them uncounted. An event read again after a crash (the newest was forwarded for this very input record) is forwarded again, as
 * the dedup step forwards a reprocessing. Store write and forward happen in the same exactly-once transaction.
 */
final class StaleCheckProcessor extends ContextualProcessor<Bytes, Envelope, byte[], Routed> {
    private final SourceConfig source;
    private final DedupConfig config;
    private final DedupObserver observer;
    private final DedupClock clock;
    private WindowStore<Bytes, byte[]> store;
    private DecisionRecords topics;
    private StaleRecords records;

    StaleCheckProcessor(SourceConfig source, DedupConfig config, DedupObserver observer) {
        this.source = source;
        this.config = config;
        this.observer = observer;
        this.clock = DedupClock.of(source);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        super.init(context);
        store = context.getStateStore(source.staleStoreName());
        topics = new DecisionRecords(source, config, DeadLetters.of(config));
        records = new StaleRecords(source, config, topics);
    }

    /** The entity's entries within the TTL: the newest sequence among them, when it was forwarded, and every entry's time. */
    record Newest(long forwardedAt, StaleEntry entry, List<Long> entryTimes) {}

    @Override
    public void process(Record<Bytes, Envelope> record) {
        long wall = context().currentSystemTimeMs();
        Envelope e = record.value();
        Newest newest = newestWithinTtl(record.key(), wall);
        if (newest == null || isNewer(e.key().sequence(), newest.entry())) {
            supersede(record.key(), newest, e, wall);
            forwardUnique(record, wall);
        } else if (isReprocessing(newest.entry(), e)) {
            forwardUnique(record, wall);
        } else if (isRedeliveryAfterRelease(record, newest.entry())) {
            supersede(record.key(), newest, e, wall);
            forwardUnique(record, wall);
        } else {
            forwardStale(record, newest, wall);
        }
    }

    private Newest newestWithinTtl(Bytes entityKey, long wall) {
        Newest newest = null;
        List<Long> times = new ArrayList<>(1);
        try (WindowStoreIterator<byte[]> it = store.fetch(entityKey, clock.ttlLookBackFrom(wall), Long.MAX_VALUE)) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                times.add(kv.key);
                StaleEntry entry = StaleEntry.decode(kv.value);
                if (newest == null || entry.sequence() > newest.entry().sequence()) newest = new Newest(kv.key, entry, times);
            }
        }
        return newest;
    }

    private static boolean isNewer(EntitySequence s, StaleEntry newest) {
        return s.sequence() > newest.sequence();
    }

    /** The newest sequence was forwarded for this very input record: it is read again (at-least-once, after a crash). */
    private boolean isReprocessing(StaleEntry newest, Envelope e) {
        return newest.sequence() == e.key().sequence().sequence()
                && newest.isFrom(topics.topicIndex(e.origin().topic()), e.origin().partition(), e.origin().offset());
    }

    /**
     * The first delivery after a release of its key (docs/design.md §5a) that carries the entity's newest sequence: downstream gave up
     * on that very version, so it goes through again; an older version stays stale.
     */
    private static boolean isRedeliveryAfterRelease(Record<Bytes, Envelope> record, StaleEntry newest) {
        return record.headers().lastHeader(DedupHeaders.FOLLOWS_RELEASE) != null
                && record.value().key().sequence().sequence() == newest.sequence();
    }

    /** Stores the event's sequence as the entity's newest and deletes the entries it supersedes, so an entity keeps one entry. */
    private void supersede(Bytes entityKey, Newest previous, Envelope e, long wall) {
        if (previous != null) for (long t : previous.entryTimes()) if (t != wall) store.put(entityKey, null, t);
        store.put(entityKey, new StaleEntry(e.key().sequence().sequence(), topics.topicIndex(e.origin().topic()), e.origin().partition(),
                e.origin().offset()).encode(), wall);
    }

    private void forwardUnique(Record<Bytes, Envelope> record, long wall) {
        observer.outcome(source.name(), record.value().key().tenant(), Outcome.UNIQUE);
        observer.uniqueLatency(source.name(), Math.max(0, wall - record.timestamp()));
        context().forward(records.unique(record));
    }

    private void forwardStale(Record<Bytes, Envelope> record, Newest newest, long wall) {
        observer.outcome(source.name(), record.value().key().tenant(), Outcome.STALE);
        context().forward(records.stale(record, newest.forwardedAt(), newest.entry(), wall));
    }
}
