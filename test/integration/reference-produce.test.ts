// Producing to and consuming from the reference broker with kafkajs 2.2.4, for real: 10,000 keyed
// records over 3 partitions come back complete and in order, each in the partition murmur2 picks;
// acks 0, 1 and all; LogAppendTime topics; max.message.bytes; gzip, snappy and lz4 batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompressionCodecs, CompressionTypes, type Kafka, type Producer } from "kafkajs";
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from "snappy";
import { compressFrameSync as lz4Compress, decompressFrameSync as lz4Decompress } from "lz4-napi";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { partitionForKey } from "../../harness/clients/partitioner.ts";
import { consumeRecords, quietKafka } from "./kafka-helpers.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

// kafkajs ships gzip only; snappy and lz4 come from the libraries the broker itself uses.
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: async (encoder: { buffer: Buffer }) => snappyCompress(encoder.buffer),
  decompress: async (buffer: Buffer) => snappyUncompress(buffer, { asBuffer: true }) as Buffer,
});
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => lz4Compress(encoder.buffer),
  decompress: async (buffer: Buffer) => lz4Decompress(buffer),
});

let broker: ReferenceBroker;
let kafka: Kafka;
/** With kafkajs's retries: the first FindCoordinator is COORDINATOR_NOT_AVAILABLE while __consumer_offsets is created, as on Kafka. */
let consumingKafka: Kafka;
let producer: Producer;
let client: WireClient;

beforeAll(async () => {
  broker = await startReferenceBroker();
  kafka = quietKafka([broker.bootstrap], { retry: { retries: 0 } });
  consumingKafka = quietKafka([broker.bootstrap]);
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  client = await WireClient.connect(broker.bootstrap);
});

afterAll(async () => {
  client?.close();
  await producer?.disconnect();
  await broker?.stop();
});

async function createTopic(topic: string, numPartitions = 1, configEntries: { name: string; value: string }[] = []): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }] });
  } finally {
    await admin.disconnect();
  }
}

describe("producing and consuming with kafkajs", () => {
  it("10,000 keyed records over 3 partitions come back complete, in order, where murmur2 puts them", { timeout: 120_000 }, async () => {
    await createTopic("bulk", 3);
    const total = 10_000;
    const started = performance.now();
    for (let from = 0; from < total; from += 500) {
      await producer.send({
        topic: "bulk",
        acks: -1,
        messages: Array.from({ length: 500 }, (_, i) => ({ key: `key-${(from + i) % 97}`, value: `value-${from + i}` })),
      });
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(`kafkajs produced ${total} records in ${seconds.toFixed(2)} s (${Math.round(total / seconds)} records/s, acks=all, batches of 500)`);

    const seen = new Set<number>();
    for (const partition of [0, 1, 2]) {
      const records = await readPartition(client, "bulk", partition);
      const sequence = records.map((r) => Number(r.value?.toString().slice("value-".length)));
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
      for (const r of records) {
        expect(partitionForKey(r.key ?? Buffer.alloc(0), 3)).toBe(partition);
        seen.add(Number(r.value?.toString().slice("value-".length)));
      }
    }
    expect(seen.size).toBe(total);

    const consumed = await consumeRecords(consumingKafka, "bulk", total, 60_000);
    expect(consumed).toHaveLength(total);
    for (const partition of [0, 1, 2]) {
      const offsets = consumed.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => BigInt(i)));
    }
  });

  it("acknowledges with acks 1 and all, answers nothing to acks 0, and stores all three", async () => {
    await createTopic("acks");
    const [one] = await producer.send({ topic: "acks", acks: 1, messages: [{ value: "one" }] });
    const [all] = await producer.send({ topic: "acks", acks: -1, messages: [{ value: "all" }] });
    expect([one.baseOffset, all.baseOffset]).toEqual(["0", "1"]);
    await producer.send({ topic: "acks", acks: 0, messages: [{ value: "none" }] });
    const [after] = await producer.send({ topic: "acks", acks: 1, messages: [{ value: "after" }] });
    expect(after.baseOffset).toBe("3");
    expect((await readPartition(client, "acks", 0)).map((r) => r.value?.toString())).toEqual(["one", "all", "none", "after"]);
  });

  it("stamps LogAppendTime topics with the broker's time and says so in the response", async () => {
    await createTopic("appended", 1, [{ name: "message.timestamp.type", value: "LogAppendTime" }]);
    const before = Date.now();
    const [result] = await producer.send({ topic: "appended", messages: [{ value: "a", timestamp: "1000" }, { value: "b", timestamp: "2000" }] });
    const after = Date.now();
    const appendTime = Number(result.logAppendTime);
    expect(appendTime).toBeGreaterThanOrEqual(before);
    expect(appendTime).toBeLessThanOrEqual(after);
    const records = await readPartition(client, "appended", 0);
    expect(records.map((r) => r.timestamp)).toEqual([appendTime, appendTime]);
    expect(records[0].batch.timestampType).toBe("LogAppendTime");
  });

  it("refuses a batch above max.message.bytes with MESSAGE_TOO_LARGE and keeps serving", async () => {
    await createTopic("small", 1, [{ name: "max.message.bytes", value: "2000" }]);
    await expect(producer.send({ topic: "small", messages: [{ value: Buffer.alloc(5000, 1) }] })).rejects.toMatchObject({ type: "MESSAGE_TOO_LARGE" });
    const [fits] = await producer.send({ topic: "small", messages: [{ value: Buffer.alloc(500, 1) }] });
    expect(fits.baseOffset).toBe("0");
  });

  it("stores gzip, snappy and lz4 batches as sent and serves them back", async () => {
    await createTopic("compressed");
    for (const compression of [CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4]) {
      await producer.send({ topic: "compressed", compression, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `${compression}-${i}`.repeat(20) })) });
    }
    const records = await readPartition(client, "compressed", 0);
    expect(records).toHaveLength(150);
    expect([...new Set(records.map((r) => r.batch.compression))]).toEqual([1, 2, 3]);
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    const consumed = await consumeRecords(consumingKafka, "compressed", 150, 30_000);
    expect(consumed.map((r) => r.value)).toEqual(records.map((r) => r.value?.toString()));
  });
});
