// The reference broker at the wire: the API ranges it advertises (with the compatibility traps of
// kafkajs and librdkafka), Kafka's per-partition refusals of bad produce requests, and bad input
// that closes only the connection it came on while every other client carries on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
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
  await admin.createTopics({ topics: [{ topic: "wire" }] });
  await admin.disconnect();
});

afterAll(async () => {
  await broker?.stop();
});

const batch = (values: string[]) => buildRecordBatch({ records: values.map((value) => ({ value })), timestamp: Date.now() });

function produceRequest(records: Buffer | null, acks = 1, topic = "wire") {
  return { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

describe("advertised APIs", () => {
  it("include the versions kafkajs and librdkafka insist on, and no transaction APIs", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const { apiKeys } = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "kconform", clientSoftwareVersion: "1" });
      const range = (key: number) => apiKeys.find((api) => api.apiKey === key);
      expect(range(ApiKey.Produce)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 });
      expect(range(ApiKey.Fetch)).toEqual({ apiKey: 1, minVersion: 4, maxVersion: 12 });
      expect(range(ApiKey.ListOffsets)).toEqual({ apiKey: 2, minVersion: 1, maxVersion: 7 });
      expect(range(ApiKey.Metadata)).toEqual({ apiKey: 3, minVersion: 0, maxVersion: 12 });
      expect(range(ApiKey.CreateTopics)).toEqual({ apiKey: 19, minVersion: 2, maxVersion: 7 });
      expect(range(ApiKey.DeleteTopics)).toEqual({ apiKey: 20, minVersion: 1, maxVersion: 6 });
      expect(range(ApiKey.DeleteRecords)).toEqual({ apiKey: 21, minVersion: 0, maxVersion: 2 });
      expect(range(ApiKey.InitProducerId)).toEqual({ apiKey: 22, minVersion: 0, maxVersion: 4 });
      expect(range(ApiKey.OffsetForLeaderEpoch)).toEqual({ apiKey: 23, minVersion: 2, maxVersion: 4 });
      expect(range(ApiKey.DescribeConfigs)).toEqual({ apiKey: 32, minVersion: 1, maxVersion: 4 });
      expect(range(ApiKey.DescribeCluster)).toEqual({ apiKey: 60, minVersion: 0, maxVersion: 1 });
      for (const key of [ApiKey.AddPartitionsToTxn, ApiKey.AddOffsetsToTxn, ApiKey.EndTxn, ApiKey.WriteTxnMarkers, ApiKey.TxnOffsetCommit]) expect(range(key)).toBeUndefined();
    } finally {
      client.close();
    }
  });
});

describe("produce refusals", () => {
  it("are per partition, with Kafka's error codes", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const partitionError = async (version: number, body: ReturnType<typeof produceRequest>) => (await client.request(ApiKey.Produce, version, body)).responses[0].partitionResponses[0];
      expect(await partitionError(2, produceRequest(batch(["old"])))).toMatchObject({ errorCode: 35, baseOffset: -1n });
      expect(await partitionError(7, produceRequest(Buffer.concat([batch(["one"]), batch(["two"])])))).toMatchObject({ errorCode: 87 });
      expect(await partitionError(7, produceRequest(null))).toMatchObject({ errorCode: 87 });
      const corrupt = batch(["bits"]);
      corrupt[corrupt.length - 1] ^= 0xff;
      expect(await partitionError(9, produceRequest(corrupt))).toMatchObject({ errorCode: 2 });
      expect(await partitionError(9, produceRequest(batch(["x"]), 2))).toMatchObject({ errorCode: 21 });
      expect(await partitionError(9, produceRequest(batch(["x"]), 1, "missing"))).toMatchObject({ errorCode: 3 });
      const transactional = buildRecordBatch({ records: [{ value: "t" }], timestamp: Date.now(), producerId: 1, producerEpoch: 0, baseSequence: 0, isTransactional: true });
      expect(await partitionError(9, produceRequest(transactional))).toMatchObject({ errorCode: 53 });
      expect(await readPartition(client, "wire", 0)).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("close an acks=0 connection instead of answering, as Kafka does", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    client.send(ApiKey.Produce, 9, produceRequest(batch(["lost"]), 0, "missing"));
    await client.closed;
    const other = await WireClient.connect(broker.bootstrap);
    try {
      other.send(ApiKey.Produce, 9, produceRequest(batch(["kept"]), 0));
      expect((await other.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics.map((t) => t.name)).toContain("wire");
      expect((await readPartition(other, "wire", 0)).map((r) => r.value?.toString())).toEqual(["kept"]);
    } finally {
      other.close();
    }
  });
});

describe("bad input", () => {
  it("closes only the offending connection, and written data stays", async () => {
    const good = await WireClient.connect(broker.bootstrap);
    const [before] = (await good.request(ApiKey.Produce, 9, produceRequest(batch(["before"])))).responses[0].partitionResponses;
    const garbage = [
      Buffer.from([0, 0, 0, 6, 0x7f, 0x7f, 0, 0, 0, 1]), // unknown API key
      Buffer.from([0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 1]), // Produce v9 cut short
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // negative frame size
      Buffer.from([0x7f, 0, 0, 0]), // frame above socket.request.max.bytes
    ];
    for (const bytes of garbage) {
      const bad = connect(broker.port, "127.0.0.1");
      const closed = new Promise<void>((resolve) => bad.on("close", () => resolve()));
      bad.on("error", () => {});
      bad.write(bytes);
      await closed;
      const [next] = (await good.request(ApiKey.Produce, 9, produceRequest(batch(["after"])))).responses[0].partitionResponses;
      expect(next.errorCode).toBe(0);
    }
    const values = (await readPartition(good, "wire", 0, Number(before.baseOffset))).map((r) => r.value?.toString());
    expect(values).toEqual(["before", "after", "after", "after", "after"]);
    good.close();
  });
});
