// Seed 7 of safe-leader-isolation: an idempotent acks=all write replicated but never acknowledged when
// its leader is cut off is kept once; a later record that reuses its sequence is answered as it (Kafka's rule).
import { afterEach, describe, expect, it } from "vitest";
import { TestCluster, watch } from "./test-cluster.ts";

const LAG_MS = 10_000;
const PRODUCER = { producerId: 7, producerEpoch: 0 };
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/**
 * Leader 1 holds "461" (sequence 1) at offset 1, node 2 replicated it, node 3 (in the ISR) did not:
 * the high watermark stays at 1 and the acks=all produce waits. Then leader 1 is cut off and fenced,
 * node 2 leads epoch 1 with "461" in its log, and node 3 catches up from it.
 */
async function unacknowledgedWriteAcrossLeaderChange(): Promise<TestCluster> {
  const c = (cluster = await TestCluster.start({ nodes: 3, config: [`replica.lag.time.max.ms=${LAG_MS}`] }));
  await c.createTopic("t", [[1, 2, 3]], { "min.insync.replicas": "2" });
  expect(await c.produce(1, "t", 0, ["457"], { ...PRODUCER, baseSequence: 0 })).toEqual({ error: "NONE", baseOffset: 0 });
  c.network.pause(3);
  const pending = watch(c.produce(1, "t", 0, ["461"], { ...PRODUCER, baseSequence: 1, timeoutMs: 30_000 }));
  await c.advance(LAG_MS / 2);
  expect(c.storedValues(2, "t", 0)).toEqual(["457", "461"]);
  expect(c.node(1).partition("t", 0).log.highWatermark).toBe(1);
  expect(pending.settled()).toBeUndefined();

  await c.killNode(1);
  c.network.resume(3);
  await c.advance(1_000);
  expect(c.state("t", 0)).toMatchObject({ leader: 2, leaderEpoch: 1, isr: [2, 3] });
  expect(pending.settled()).toBeUndefined();
  return c;
}

describe("replication: an unacknowledged idempotent write across a leader isolation (seed 7)", () => {
  it("keeps the write once: the producer's retry with its own sequence is answered with the replicated offset", async () => {
    const c = await unacknowledgedWriteAcrossLeaderChange();
    expect(await c.produce(2, "t", 0, ["461"], { ...PRODUCER, baseSequence: 1 })).toEqual({ error: "NONE", baseOffset: 1 });
    expect(await c.produce(2, "t", 0, ["618"], { ...PRODUCER, baseSequence: 2 })).toEqual({ error: "NONE", baseOffset: 2 });
    expect(await c.readValues(2, "t", 0)).toEqual(["457", "461", "618"]);
  });

  it("answers a new record that reuses the unacknowledged write's sequence as its duplicate, as Kafka does; the write's retry then lands again", async () => {
    const c = await unacknowledgedWriteAcrossLeaderChange();
    // kafkajs 2.2.4 rolled sequence 1 back when the produce to node 1 failed, and "618" took it.
    expect(await c.produce(2, "t", 0, ["618"], { ...PRODUCER, baseSequence: 1 })).toEqual({ error: "NONE", baseOffset: 1 });
    // kafkajs's retry of "461", still running, comes after it with the next sequence.
    expect(await c.produce(2, "t", 0, ["461"], { ...PRODUCER, baseSequence: 2 })).toEqual({ error: "NONE", baseOffset: 2 });
    expect(await c.readValues(2, "t", 0)).toEqual(["457", "461", "461"]);
  });
});
