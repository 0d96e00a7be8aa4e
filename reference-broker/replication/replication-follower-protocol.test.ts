// The leader's side of a replica Fetch, spoken directly: fencing by leader epoch, unknown replicas,
// the diverging epoch of Fetch v12 and an unknown last fetched epoch, and the long poll a follower
// waits in until the leader appends.
import { afterEach, describe, expect, it } from "vitest";
import { ApiKey, type FetchResponsePartitionData } from "../protocol/generated/messages.ts";
import { TestCluster, errorName, watch } from "./test-cluster.ts";

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/** Where the test's hand-made replica fetches come from on the loopback network. */
const SPEAKER = 99;

interface ReplicaFetch {
  replicaId: number;
  fetchOffset: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
  maxWaitMs?: number;
}

/** One replica Fetch v12 of t-0 sent to node 1 as if from another broker (whatever the network thinks of that broker). */
async function replicaFetch(c: TestCluster, fetch: ReplicaFetch): Promise<FetchResponsePartitionData> {
  const channel = c.network.channelFactory(SPEAKER)({ nodeId: 1, host: "node-1", port: 9092 });
  const response = await channel.send(ApiKey.Fetch, 12, {
    replicaId: fetch.replicaId,
    maxWaitMs: fetch.maxWaitMs ?? 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: "t",
        partitions: [
          { partition: 0, currentLeaderEpoch: fetch.currentLeaderEpoch, fetchOffset: BigInt(fetch.fetchOffset), lastFetchedEpoch: fetch.lastFetchedEpoch, logStartOffset: 0n, partitionMaxBytes: 1 << 20 },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  channel.close();
  return response.responses[0].partitions[0];
}

/** Node 1 leads t-0 at leader epoch 2 with records of epoch 0 at 0-2 and of epoch 2 from 3; node 4 is no replica. */
async function leaderAtEpochTwo(): Promise<TestCluster> {
  const c = (cluster = await TestCluster.start({ nodes: 4 }));
  await c.createTopic("t", [[1, 2]]);
  await c.produce(1, "t", 0, ["a", "b", "c"]);
  await c.killNode(1);
  await c.startNode(1);
  // Node 1 rejoins the ISR on its first fetch after it was unfenced.
  await c.advance(1_000);
  await c.killNode(2);
  await c.produce(1, "t", 0, ["d"]);
  expect(c.state("t", 0)).toMatchObject({ leader: 1, leaderEpoch: 2 });
  expect(c.node(1).partition("t", 0).log.epochEntries()).toEqual([
    { epoch: 0, startOffset: 0 },
    { epoch: 2, startOffset: 3 },
  ]);
  return c;
}

describe("replica fetch on the leader", () => {
  it("fences a stale leader epoch and asks a newer one to wait", async () => {
    const c = await leaderAtEpochTwo();
    expect(errorName((await replicaFetch(c, { replicaId: 2, fetchOffset: 4, currentLeaderEpoch: 1, lastFetchedEpoch: 2 })).errorCode)).toBe("FENCED_LEADER_EPOCH");
    expect(errorName((await replicaFetch(c, { replicaId: 2, fetchOffset: 4, currentLeaderEpoch: 3, lastFetchedEpoch: 2 })).errorCode)).toBe("UNKNOWN_LEADER_EPOCH");
  });

  it("refuses a broker that is not a replica: UNKNOWN_LEADER_EPOCH with an epoch, NOT_LEADER_OR_FOLLOWER without", async () => {
    const c = await leaderAtEpochTwo();
    expect(errorName((await replicaFetch(c, { replicaId: 4, fetchOffset: 0, currentLeaderEpoch: 2, lastFetchedEpoch: -1 })).errorCode)).toBe("UNKNOWN_LEADER_EPOCH");
    expect(errorName((await replicaFetch(c, { replicaId: 4, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })).errorCode)).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  it("answers a follower whose last epoch ends earlier here with that epoch's end and no records", async () => {
    const c = await leaderAtEpochTwo();
    // The follower wrote offsets 3-5 in epoch 1, which this leader never had.
    const answer = await replicaFetch(c, { replicaId: 2, fetchOffset: 6, currentLeaderEpoch: 2, lastFetchedEpoch: 1 });
    expect(errorName(answer.errorCode)).toBe("NONE");
    expect(answer.divergingEpoch).toEqual({ epoch: 0, endOffset: 3n });
    expect(answer.records?.length).toBe(0);
  });

  it("reads on when the follower's last epoch agrees with the leader's log", async () => {
    const c = await leaderAtEpochTwo();
    const answer = await replicaFetch(c, { replicaId: 2, fetchOffset: 3, currentLeaderEpoch: 2, lastFetchedEpoch: 0 });
    expect(answer.divergingEpoch).toEqual({ epoch: -1, endOffset: -1n });
    expect(answer.records?.length).toBeGreaterThan(0);
    expect(answer.highWatermark).toBe(4n);
  });

  it("answers OFFSET_OUT_OF_RANGE for a last fetched epoch newer than any the leader has", async () => {
    const c = await leaderAtEpochTwo();
    expect(errorName((await replicaFetch(c, { replicaId: 2, fetchOffset: 4, currentLeaderEpoch: 2, lastFetchedEpoch: 5 })).errorCode)).toBe("OFFSET_OUT_OF_RANGE");
  });

  it("holds a caught-up follower's fetch until the leader appends, then answers with the new batch", async () => {
    const c = (cluster = await TestCluster.start({ nodes: 2 }));
    await c.createTopic("t", [[1, 2]]);
    await c.killNode(2);
    const fetch = watch(replicaFetch(c, { replicaId: 2, fetchOffset: 0, currentLeaderEpoch: 0, lastFetchedEpoch: -1, maxWaitMs: 10_000 }));
    await c.advance(1_000);
    expect(fetch.settled()).toBeUndefined();
    await c.produce(1, "t", 0, ["a"], { acks: 1 });
    await c.settle();
    expect(fetch.settled()?.records?.length).toBeGreaterThan(0);
  });
});
