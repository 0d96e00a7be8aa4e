// The kafkajs producer worker retires an idempotent producer after a send that ended without an
// answer (kafkajs would give the abandoned batch's sequence numbers to the next send), and the
// worker's reopen gives it a fresh one; a non-idempotent producer has no such state and goes on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaJsProducer } from "../../harness/clients/kafkajs/producer.ts";
import type { ProducerSettings } from "../../harness/clients/settings.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startReferenceCluster, type ReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";

const runDir = mkdtempSync(join(tmpdir(), "kconform-producer-retire-"));
const TIMEOUTS = { operationMs: 2_000, requestMs: 1_000, connectMs: 2_000 };
let cluster: ReferenceCluster | undefined;

beforeAll(async () => {
  cluster = await startReferenceCluster({ nodes: 1, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 1 })), runDir });
  const admin = new Kafka({ brokers: [...cluster.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  // No topic "refused" exists and the producer may not create it: every send to it fails.
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: "accepted", numPartitions: 1, replicationFactor: 1 }] });
  await admin.disconnect();
});

afterAll(async () => {
  await cluster?.stop({ graceful: false });
  rmSync(runDir, { recursive: true, force: true });
});

function producer(settings: ProducerSettings): KafkaJsProducer {
  if (cluster === undefined) throw new Error("no cluster");
  return new KafkaJsProducer(1, { bootstrap: cluster.bootstrap, security: {} }, settings, TIMEOUTS);
}

describe("the kafkajs producer worker after a send without an answer", () => {
  it("retires an idempotent producer, and a reopened one sends again", { timeout: 60_000 }, async () => {
    const client = producer({ acks: "all", idempotent: true, retries: 2, maxInFlight: 1 });
    await client.open();
    try {
      expect(client.broken()).toBeUndefined();
      const refused = await client.invoke({ f: "send", sends: [{ topic: "refused", partition: 0, value: 1 }] });
      expect(refused.type).not.toBe("ok");
      expect(client.broken()).toMatch(/idempotent send ended without an answer/);
      await client.close();
      expect(client.broken()).toBeUndefined();
      await client.open();
      const accepted = await client.invoke({ f: "send", sends: [{ topic: "accepted", partition: 0, value: 2 }] });
      expect(accepted).toMatchObject({ type: "ok", value: [["send", "accepted-0", [0, 2]]] });
    } finally {
      await client.close();
    }
  });

  it("keeps a non-idempotent producer, which has no sequence numbers to hand on", { timeout: 60_000 }, async () => {
    const client = producer({ acks: "all", idempotent: false, retries: 2, maxInFlight: 1 });
    await client.open();
    try {
      const refused = await client.invoke({ f: "send", sends: [{ topic: "refused", partition: 0, value: 3 }] });
      expect(refused.type).not.toBe("ok");
      expect(client.broken()).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
