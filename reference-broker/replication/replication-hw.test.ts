// Leader and followers in one process, wired through the real Fetch and Produce handlers on a
// loopback network: followers copy the leader's log, the high watermark is the smallest log end
// offset of the ISR, consumers see only below it, and acks=all answers once the ISR has the write.
import { afterEach, describe, expect, it } from "vitest";
import { TestCluster, errorName, watch, type ProduceOutcome } from "./test-cluster.ts";

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

async function threeNodes(config: string[] = []): Promise<TestCluster> {
  cluster = await TestCluster.start({ nodes: 3, config });
  await cluster.createTopic("t", [[1, 2, 3]]);
  return cluster;
}

describe("replication: log copy and high watermark", () => {
  it("followers copy the leader's batches with their offsets and leader epochs", async () => {
    const c = await threeNodes();
    expect(await c.produce(1, "t", 0, ["a", "b"])).toEqual({ error: "NONE", baseOffset: 0 });
    expect(await c.produce(1, "t", 0, ["c"])).toEqual({ error: "NONE", baseOffset: 2 });
    await c.settle();
    const leader = c.node(1).partition("t", 0);
    for (const id of [2, 3]) {
      const follower = c.node(id).partition("t", 0);
      expect(follower.log.logEndOffset).toBe(3);
      expect(follower.log.epochEntries()).toEqual(leader.log.epochEntries());
      expect(follower.log.read(0, { maxBytes: 1 << 20 }).equals(leader.log.read(0, { maxBytes: 1 << 20 }))).toBe(true);
    }
    expect(await c.readValues(1, "t", 0)).toEqual(["a", "b", "c"]);
  });

  it("holds the high watermark at the slowest ISR member, and consumers see only records below it", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    expect(await c.produce(1, "t", 0, ["a"], { acks: 1 })).toEqual({ error: "NONE", baseOffset: 0 });
    await c.settle();
    expect(c.node(2).partition("t", 0).log.logEndOffset).toBe(1);
    expect(c.node(1).partition("t", 0).log.highWatermark).toBe(0);
    expect(await c.readValues(1, "t", 0)).toEqual([]);
    c.network.resume(3);
    await c.settle();
    expect(c.node(1).partition("t", 0).log.highWatermark).toBe(1);
    expect(await c.readValues(1, "t", 0)).toEqual(["a"]);
  });

  it("answers acks=all only when every ISR member has the batch", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    const produce = watch(c.produce(1, "t", 0, ["a"], { acks: -1 }));
    await c.advance(1_000);
    expect(produce.settled()).toBeUndefined();
    c.network.resume(3);
    await c.settle();
    expect(produce.settled()).toEqual<ProduceOutcome>({ error: "NONE", baseOffset: 0 });
  });

  it("answers an acks=all produce the ISR does not complete in time with REQUEST_TIMED_OUT, the batch staying in the leader's log", async () => {
    const c = await threeNodes();
    c.network.pause(3);
    const produce = watch(c.produce(1, "t", 0, ["a"], { acks: -1, timeoutMs: 2_000 }));
    await c.advance(2_000);
    expect(produce.settled()?.error).toBe("REQUEST_TIMED_OUT");
    expect(c.node(1).partition("t", 0).log.logEndOffset).toBe(1);
  });

  it("lets followers take the leader's high watermark on their next fetch", async () => {
    const c = await threeNodes(["replica.fetch.wait.max.ms=500"]);
    await c.produce(1, "t", 0, ["a", "b"]);
    // The high watermark moved after the followers' last fetch; the next one (after the leader held it) carries it.
    await c.advance(500);
    for (const id of [2, 3]) expect(c.node(id).partition("t", 0).log.highWatermark).toBe(2);
  });

  it("fetches every partition led by one broker through one fetcher, and moves a partition to another when its leader changes", async () => {
    const c = (cluster = await TestCluster.start({ nodes: 3 }));
    await c.createTopic("t", [[1, 2, 3], [1, 3, 2], [2, 1, 3]]);
    const fetchers = () => new Map([...c.node(3).replication.fetchers.fetchersBySource].map(([source, f]) => [source, [...f.fetchOffsets().keys()].sort()]));
    expect(fetchers()).toEqual(new Map([[1, ["t-0", "t-1"]], [2, ["t-2"]]]));
    await c.killNode(1);
    expect(c.state("t", 1).leader).toBe(3);
    expect(fetchers()).toEqual(new Map([[2, ["t-0", "t-2"]]]));
  });

  it("drops a connection whose request outlived replica.socket.timeout.ms and fetches again on a new one", async () => {
    const lines: string[] = [];
    const c = (cluster = await TestCluster.start({ nodes: 2, fetcherSettings: { requestTimeoutMs: 5_000, backoffMs: 1_000 }, sink: (line) => lines.push(line) }));
    await c.createTopic("t", [[1, 2]]);
    c.network.pause(1);
    await c.advance(7_000);
    expect(lines.some((line) => line.includes("fetch from leader failed"))).toBe(true);
    c.network.resume(1);
    await c.produce(1, "t", 0, ["a"], { acks: 1 });
    await c.advance(1_000);
    expect(c.node(2).partition("t", 0).log.logEndOffset).toBe(1);
  });

  it("refuses produce to a follower with NOT_LEADER_OR_FOLLOWER", async () => {
    const c = await threeNodes();
    expect((await c.produce(2, "t", 0, ["a"])).error).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(c.node(2).partition("t", 0).log.logEndOffset).toBe(0);
  });

  it("serves consumers from a follower (Fetch v11+) up to the high watermark it knows, and refuses older fetch versions there", async () => {
    const c = await threeNodes();
    await c.produce(1, "t", 0, ["a", "b"]);
    await c.advance(500);
    expect(await c.readValues(2, "t", 0)).toEqual(["a", "b"]);
    c.network.pause(3);
    await c.produce(1, "t", 0, ["c"], { acks: 1 });
    await c.settle();
    // Follower 2 has the record but not a high watermark above it.
    expect(c.node(2).partition("t", 0).log.logEndOffset).toBe(3);
    expect(await c.readValues(2, "t", 0)).toEqual(["a", "b"]);
    const old = await c.fetch(2, "t", 0, 0, { version: 10 });
    expect(errorName(old.errorCode)).toBe("NOT_LEADER_OR_FOLLOWER");
  });
});
