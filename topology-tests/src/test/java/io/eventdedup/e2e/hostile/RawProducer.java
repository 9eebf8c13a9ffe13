package io.eventdedup.e2e.hostile;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.RetriableException;
import java.time.Duration;
import static org.awaitility.Awaitility.await;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.DefaultHostResolver;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.NetworkClientUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes one record with any CreateTime timestamp, negative ones included, as a hostile sender can: the Java producer refuses a
 * negative timestamp, and so do Kafka's batch builders ({@code MemoryRecordsBuilder}, {@code DefaultRecordBatch.writeHeader}), so
 * this class lays out the v2 record batch itself (the records with {@link DefaultRecord#writeTo}, the 61-byte batch header by
 * hand, CRC-32C as the format defines it) and sends it in a plain, non-idempotent {@link ProduceRequest} (acks=all) over Kafka's
 * own {@link NetworkClient}, which negotiates the request version with the broker. The broker validates the batch as it would any
 * producer's. Not thread-safe; one connection to the partition's leader at a time.
 */
final class RawProducer implements AutoCloseable {
    private static final long TIMEOUT_MS = 30_000;
    // The v2 batch header (KIP-98), in order: baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8,
    // crc uint32, attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId int64,
    // producerEpoch int16, baseSequence int32, recordCount int32. The CRC covers attributes to the end of the batch.
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;

    private final Admin admin;
    private final Metrics metrics = new Metrics();
    private final NetworkClient client;
    private final ManualMetadataUpdater nodes = new ManualMetadataUpdater();
    private final Time time = Time.SYSTEM;

    RawProducer(String bootstrapServers) {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        ProducerConfig config = new ProducerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.CLIENT_ID_CONFIG, "hostile-raw-producer"));
        this.client = ClientUtils.createNetworkClient(config, "hostile-raw-producer", metrics, "raw-producer", new LogContext("[raw-producer] "),
                new ApiVersions(), time, 1, (int) TIMEOUT_MS, null, nodes, new DefaultHostResolver(), null, null);
    }

    /**
     * Appends one record to {@code topic}-{@code partition} with CreateTime {@code timestamp} and returns its offset.
     *
     * @throws IllegalStateException with the broker's error when the broker refuses the batch
     */
    long send(String topic, int partition, long timestamp, byte[] key, byte[] value, Header... headers) {
        // Right after a topic is created its leader may not serve it yet (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION):
        // retriable errors are tried again, with the leader described afresh, as Kafka's own producer does.
        AtomicReference<ProduceResponseData.PartitionProduceResponse> last = new AtomicReference<>();
        await("produce request to " + topic + "-" + partition).atMost(Duration.ofMillis(TIMEOUT_MS)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last.set(produceOnce(topic, partition, timestamp, key, value, headers));
                    return !(Errors.forCode(last.get().errorCode()).exception() instanceof RetriableException);
                });
        ProduceResponseData.PartitionProduceResponse r = last.get();
        if (r.errorCode() != Errors.NONE.code()) {
            throw new IllegalStateException("broker refused the record at " + topic + "-" + partition + " with timestamp " + timestamp
                    + ": " + Errors.forCode(r.errorCode()) + (r.errorMessage() == null ? "" : " (" + r.errorMessage() + ")"));
        }
        return r.baseOffset();
    }

    private ProduceResponseData.PartitionProduceResponse produceOnce(String topic, int partition, long timestamp, byte[] key, byte[] value,
                                                                     Header[] headers) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
            TopicPartitionInfo p = d.partitions().get(partition);
            Node leader = p.leader();
            nodes.setNodes(List.of(leader));
            ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs((int) TIMEOUT_MS);
            data.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic).setTopicId(d.topicId())
                    .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                            .setRecords(batch(timestamp, key, value, headers)))));
            if (!NetworkClientUtils.awaitReady(client, leader, time, TIMEOUT_MS)) {
                throw new IllegalStateException("no connection to " + leader + " within " + TIMEOUT_MS + " ms");
            }
            ClientRequest request = client.newClientRequest(leader.idString(), ProduceRequest.builder(data), time.milliseconds(), true,
                    (int) TIMEOUT_MS, null);
            ClientResponse response = NetworkClientUtils.sendAndReceive(client, request, time);
            if (response.versionMismatch() != null) throw new IllegalStateException("produce request refused", response.versionMismatch());
            return ((ProduceResponse) response.responseBody()).data().responses().iterator().next().partitionResponses().get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        }
    }

    /** One uncompressed v2 batch of one record with CreateTime {@code timestamp}, no producer id, not transactional. */
    static MemoryRecords batch(long timestamp, byte[] key, byte[] value, Header[] headers) throws IOException {
        ByteBuffer k = key == null ? null : ByteBuffer.wrap(key);
        ByteBuffer v = value == null ? null : ByteBuffer.wrap(value);
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + DefaultRecord.sizeInBytes(0, 0L, k, v, headers);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putLong(0L)                          // baseOffset: the broker assigns offsets
                .putInt(size - Long.BYTES - Integer.BYTES) // batchLength: from partitionLeaderEpoch to the end
                .putInt(-1)                         // partitionLeaderEpoch: unknown to a producer
                .put(RecordBatch.MAGIC_VALUE_V2)
                .putInt(0)                          // crc, written below
                .putShort((short) (CompressionType.NONE.id | TimestampType.CREATE_TIME.id << 3)) // attributes: 0
                .putInt(0)                          // lastOffsetDelta: one record
                .putLong(timestamp)                 // baseTimestamp
                .putLong(timestamp)                 // maxTimestamp
                .putLong(RecordBatch.NO_PRODUCER_ID)
                .putShort(RecordBatch.NO_PRODUCER_EPOCH)
                .putInt(RecordBatch.NO_SEQUENCE)
                .putInt(1);                         // recordCount
        ByteBufferOutputStream out = new ByteBufferOutputStream(buffer);
        DefaultRecord.writeTo(new DataOutputStream(out), 0, 0L, k, v, headers); // offset delta 0, timestamp delta 0
        ByteBuffer written = out.buffer();
        if (written != buffer || written.position() != size) throw new IllegalStateException("record size miscomputed");
        buffer.flip(); // Crc32C.compute counts from the buffer's position
        buffer.putInt(CRC_OFFSET, (int) Crc32C.compute(buffer, ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET));
        return MemoryRecords.readableRecords(buffer);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            metrics.close();
            admin.close();
        }
    }
}
