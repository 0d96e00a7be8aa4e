// The ISR on a cluster in one process: a follower that stops fetching leaves the ISR once it lags
// more than replica.lag.time.max.ms (committed through the controller) and writes go on without it;
// it rejoins once caught up. min.insync.replicas refuses acks=all writes the ISR cannot carry.
import { describe, expect, it } from "vitest";
import { watch } from "./test-cluster.ts";
import { threeNodeFixture } from "./three-node-fixture.ts";

const LAG_MS = 10_000;
const threeNodes = threeNodeFixture(LAG_MS);

describe("replication: ISR", () => {
  it("shrinks the ISR when a follower lags more than replica.lag.time.max.ms, and acks=all goes on without it", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    const produce = watch(c.produce(1, "t", 0, ["a"], { acks: -1 }));
    await c.advance(LAG_MS / 2);
    expect(c.state("t", 0).isr).toEqual([1, 2, 3]);
    expect(produce.settled()).toBeUndefined();
    await c.advance(LAG_MS);
    expect(c.state("t", 0).isr).toEqual([1, 2]);
    expect(produce.settled()).toEqual({ error: "NONE", baseOffset: 0 });
    expect(await c.produce(1, "t", 0, ["b"], { acks: -1 })).toEqual({ error: "NONE", baseOffset: 1 });
    expect(c.state("t", 0).leaderEpoch).toBe(0);
  });

  it("keeps a follower that fetches steadily in the ISR even while records keep arriving", async () => {
    const c = await threeNodes();
    for (let i = 0; i < 30; i++) {
      await c.produce(1, "t", 0, [`v${i}`], { acks: 1 });
      await c.advance(1_000);
    }
    expect(c.state("t", 0).isr).toEqual([1, 2, 3]);
  });

  it("expands the ISR again once the follower has caught up to the high watermark", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    await c.produce(1, "t", 0, ["v0"], { acks: 1 });
    await c.advance(2 * LAG_MS);
    expect(c.state("t", 0).isr).toEqual([1, 2]);
    for (let i = 1; i < 5; i++) await c.produce(1, "t", 0, [`v${i}`], { acks: -1 });
    c.network.resume(3);
    await c.settle();
    expect(c.node(3).partition("t", 0).log.logEndOffset).toBe(5);
    expect(c.state("t", 0).isr).toEqual([1, 2, 3]);
  });

  it("refuses acks=all with NOT_ENOUGH_REPLICAS before appending when the ISR is below min.insync.replicas; acks=1 still appends", async () => {
    const c = await threeNodes({ "min.insync.replicas": "2" });
    c.network.pause(2);
    c.network.pause(3);
    // A stalled follower only counts as lagging once the leader has something it lacks.
    expect(await c.produce(1, "t", 0, ["a"], { acks: 1 })).toEqual({ error: "NONE", baseOffset: 0 });
    await c.advance(2 * LAG_MS);
    expect(c.state("t", 0).isr).toEqual([1]);
    expect((await c.produce(1, "t", 0, ["b"], { acks: -1 })).error).toBe("NOT_ENOUGH_REPLICAS");
    expect(c.node(1).partition("t", 0).log.logEndOffset).toBe(1);
    expect(await c.produce(1, "t", 0, ["c"], { acks: 1 })).toEqual({ error: "NONE", baseOffset: 1 });
    // Kafka 4 (KIP-966): below min.insync.replicas the high watermark does not move, so the records wait unseen.
    expect(c.node(1).partition("t", 0).log.highWatermark).toBe(0);
    expect(await c.readValues(1, "t", 0)).toEqual([]);
    c.network.resume(2);
    await c.settle();
    expect(c.state("t", 0).isr).toEqual([1, 2]);
    expect(c.node(1).partition("t", 0).log.highWatermark).toBe(2);
    expect(await c.readValues(1, "t", 0)).toEqual(["a", "c"]);
  });

  it("lets an acks=all write that the ISR fell below min.insync.replicas under time out (the high watermark is frozen)", async () => {
    const c = await threeNodes({ "min.insync.replicas": "2" });
    c.network.pause(2);
    c.network.pause(3);
    const produce = watch(c.produce(1, "t", 0, ["a"], { acks: -1, timeoutMs: 3 * LAG_MS }));
    await c.advance(3 * LAG_MS);
    expect(c.state("t", 0).isr).toEqual([1]);
    expect(produce.settled()?.error).toBe("REQUEST_TIMED_OUT");
  });

  it("keeps a stalled follower in the ISR while the leader has nothing it lacks (Kafka's isCaughtUp)", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    await c.advance(3 * LAG_MS, 500);
    expect(c.state("t", 0).isr).toEqual([1, 2, 3]);
  });

  it("does not shrink the ISR while the leader's followers are in sync and idle", async () => {
    const c = await threeNodes();
    await c.advance(5 * LAG_MS, 500);
    expect(c.state("t", 0).isr).toEqual([1, 2, 3]);
  });
});
