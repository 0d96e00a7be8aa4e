// Follower fetching (KIP-392) on a cluster in one process: with broker.rack and
// replica.selector.class=RackAwareReplicaSelector the leader sends a consumer that names its rack to
// an in-sync replica there, and that follower serves it up to the high watermark it knows.
import { afterEach, describe, expect, it } from "vitest";
import { RACK_AWARE_REPLICA_SELECTOR } from "./replica-selector.ts";
import { TestCluster, errorName } from "./test-cluster.ts";

const LAG_MS = 10_000;
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

async function rackedCluster(selector: string | undefined): Promise<TestCluster> {
  const config = [`replica.lag.time.max.ms=${LAG_MS}`, ...(selector ? [`replica.selector.class=${selector}`] : [])];
  cluster = await TestCluster.start({ nodes: 3, config, racks: ["rack-a", "rack-b", "rack-c"] });
  await cluster.createTopic("t", [[1, 2, 3]]);
  for (const value of ["a", "b", "c"]) await cluster.produce(1, "t", 0, [value]);
  await cluster.advance(500);
  return cluster;
}

describe("replication: fetching from followers", () => {
  it("names the in-sync follower in the consumer's rack as preferred read replica, without records", async () => {
    const c = await rackedCluster(RACK_AWARE_REPLICA_SELECTOR);
    const answer = await c.fetch(1, "t", 0, 0, { rackId: "rack-b" });
    expect(errorName(answer.errorCode)).toBe("NONE");
    expect(answer.preferredReadReplica).toBe(2);
    expect(answer.records?.length).toBe(0);
    expect(answer.highWatermark).toBe(3n);
    expect(await c.readValues(2, "t", 0)).toEqual(["a", "b", "c"]);
  });

  it("keeps a consumer on the leader when it is in the leader's rack, names no rack, or no replica is in its rack", async () => {
    const c = await rackedCluster(RACK_AWARE_REPLICA_SELECTOR);
    for (const rackId of ["rack-a", "", "rack-z"]) {
      const answer = await c.fetch(1, "t", 0, 0, { rackId });
      expect(answer.preferredReadReplica).toBe(-1);
      expect(answer.records?.length).toBeGreaterThan(0);
    }
  });

  it("names no preferred read replica without replica.selector.class", async () => {
    const c = await rackedCluster(undefined);
    const answer = await c.fetch(1, "t", 0, 0, { rackId: "rack-b" });
    expect(answer.preferredReadReplica).toBe(-1);
    expect(answer.records?.length).toBeGreaterThan(0);
  });

  it("does not send consumers to a follower that left the ISR", async () => {
    const c = await rackedCluster(RACK_AWARE_REPLICA_SELECTOR);
    c.network.pause(2);
    await c.produce(1, "t", 0, ["d"], { acks: 1 });
    await c.advance(2 * LAG_MS);
    expect(c.state("t", 0).isr).toEqual([1, 3]);
    const answer = await c.fetch(1, "t", 0, 0, { rackId: "rack-b" });
    expect(answer.preferredReadReplica).toBe(-1);
  });
});
