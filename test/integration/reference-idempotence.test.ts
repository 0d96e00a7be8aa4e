// Idempotent producers against the reference broker: a batch sent twice on the wire is stored once
// and acknowledged with its first offsets, gaps and stale epochs are refused as Kafka refuses them,
// and all of it (data, topics, producer ids and producer state) survives a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { buildRecordBatch } from "../../reference-broker/log/batch-builder.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka } from "./kafka-helpers.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

let broker: ReferenceBroker;

beforeAll(async () => {
  broker = await startReferenceBroker();
  const admin = quietKafka([broker.bootstrap]).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "idem" }, { topic: "kafkajs-idem" }] });
  await admin.disconnect();
});

afterAll(async () => {
  await broker?.stop();
});

async function initProducerId(client: WireClient, transactionalId: string | null = null) {
  return client.request(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
}

function produce(client: WireClient, producerId: bigint, producerEpoch: number, baseSequence: number, values: string[]) {
  const records = buildRecordBatch({ records: values.map((value) => ({ value })), timestamp: Date.now(), producerId: Number(producerId), producerEpoch, baseSequence });
  return client
    .request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: "idem", partitionData: [{ index: 0, records }] }] })
    .then((response) => response.responses[0].partitionResponses[0]);
}

describe("idempotent producers", () => {
  it("store a retried batch once, refuse gaps and stale epochs, and keep all of it over a restart", async () => {
    let client = await WireClient.connect(broker.bootstrap);
    const { errorCode, producerId, producerEpoch } = await initProducerId(client);
    expect([errorCode, producerEpoch]).toEqual([0, 0]);

    expect(await produce(client, producerId, 0, 0, ["a", "b", "c"])).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await produce(client, producerId, 0, 0, ["a", "b", "c"])).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await produce(client, producerId, 0, 5, ["gap"])).toMatchObject({ errorCode: 45, baseOffset: -1n });
    expect(await produce(client, producerId, 1, 0, ["new epoch"])).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect(await produce(client, producerId, 0, 3, ["old epoch"])).toMatchObject({ errorCode: 47 });
    expect((await readPartition(client, "idem", 0)).map((r) => r.value?.toString())).toEqual(["a", "b", "c", "new epoch"]);
    client.close();

    await broker.restart();
    client = await WireClient.connect(broker.bootstrap);
    expect(await produce(client, producerId, 1, 0, ["new epoch"])).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect(await produce(client, producerId, 1, 1, ["after restart"])).toMatchObject({ errorCode: 0, baseOffset: 4n });
    expect((await readPartition(client, "idem", 0)).map((r) => r.value?.toString())).toEqual(["a", "b", "c", "new epoch", "after restart"]);
    const next = await initProducerId(client);
    expect(next.errorCode).toBe(0);
    expect(next.producerId).toBeGreaterThan(producerId);
    client.close();
  });

  it("answers a transactional id as a broker that coordinates no transactions", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      expect(await initProducerId(client, "tx-1")).toMatchObject({ errorCode: 16, producerId: -1n, producerEpoch: -1 });
      expect(await initProducerId(client, "")).toMatchObject({ errorCode: 42 });
    } finally {
      client.close();
    }
  });

  it("serve kafkajs's idempotent producer", async () => {
    const producer = quietKafka([broker.bootstrap]).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let i = 0; i < 5; i++) await producer.send({ topic: "kafkajs-idem", messages: [{ value: `m${i}` }, { value: `n${i}` }] });
    } finally {
      await producer.disconnect();
    }
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const records = await readPartition(client, "kafkajs-idem", 0);
      expect(records.map((r) => r.value?.toString())).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`m${i}`, `n${i}`]));
      expect(records.map((r) => r.batch.baseSequence)).toEqual([0, 0, 2, 2, 4, 4, 6, 6, 8, 8]);
    } finally {
      client.close();
    }
  });
});
