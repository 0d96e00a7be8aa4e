// Follower fetching's pure parts: when the brokers cannot show it (no racks, one rack, no selector),
// which replica RackAwareReplicaSelector may name, and the verdict on doctored reads.
import { describe, expect, it } from "vitest";
import { expectedReadReplicas, followerFetchingViolations, rackProblem, type BrokerPlacement, type FollowerFetchEvidence } from "./follower-fetching.ts";
import { RACK_AWARE_REPLICA_SELECTOR } from "../harness/targets/racks.ts";

const broker = (nodeId: number, rack: string | null, replicaSelector: string | null = RACK_AWARE_REPLICA_SELECTOR): BrokerPlacement => ({ nodeId, address: `127.0.0.1:${9091 + nodeId}`, rack, replicaSelector });
const rackOf = new Map([[1, "r1"], [2, "r2"], [3, "r3"]]);

describe("rackProblem", () => {
  it("names what is missing", () => {
    expect(rackProblem([broker(1, null), broker(2, null)])).toMatch(/no broker.rack set/);
    expect(rackProblem([broker(1, "r1"), broker(2, null)])).toMatch(/broker\(s\) 2 have no broker.rack/);
    expect(rackProblem([broker(1, "r1"), broker(2, "r1")])).toMatch(/every broker is in rack r1/);
    expect(rackProblem([broker(1, "r1"), broker(2, "r2", null)])).toMatch(/replica.selector.class is not .* on broker\(s\) 2/);
    expect(rackProblem([broker(1, "r1"), broker(2, "r2")])).toBeUndefined();
  });
});

describe("expectedReadReplicas", () => {
  it("is the in-sync follower in the client's rack, or none when the leader is there or no in-sync replica is", () => {
    expect(expectedReadReplicas({ partition: 0, leader: 1, isr: [1, 2, 3] }, rackOf, "r2")).toEqual([2]);
    expect(expectedReadReplicas({ partition: 0, leader: 2, isr: [1, 2, 3] }, rackOf, "r2")).toEqual([]);
    expect(expectedReadReplicas({ partition: 0, leader: 1, isr: [1, 3] }, rackOf, "r2")).toEqual([]);
  });
});

describe("followerFetchingViolations", () => {
  const clean: FollowerFetchEvidence = {
    clientRack: "r2",
    replicas: [{ partition: 0, leader: 1, isr: [1, 2, 3] }, { partition: 1, leader: 2, isr: [2, 3, 1] }],
    rackOf,
    addressOf: new Map([[1, "127.0.0.1:9092"], [2, "127.0.0.1:9093"], [3, "127.0.0.1:9094"]]),
    told: new Map([[0, [2]]]),
    fetchesTo: new Map([["127.0.0.1:9092", 1], ["127.0.0.1:9093", 5]]),
    produced: [{ partition: 0, offset: 0, value: "a" }, { partition: 1, offset: 0, value: "b" }],
    read: [{ partition: 0, offset: 0, value: "a" }, { partition: 1, offset: 0, value: "b" }],
    highWatermarks: new Map([[0, 1], [1, 1]]),
  };

  it("accepts reads redirected to the follower in the client's rack", () => {
    expect(followerFetchingViolations(clean)).toEqual([]);
  });

  it("reports a leader that never redirects, or redirects to another rack", () => {
    expect(followerFetchingViolations({ ...clean, told: new Map() })).toEqual(["partition 0: in-sync replica 2 is in the consumer's rack r2, but leader 1 (rack r1) never named a preferred read replica"]);
    expect(followerFetchingViolations({ ...clean, told: new Map([[0, [3]]]), fetchesTo: new Map([["127.0.0.1:9094", 2]]) })).toEqual([
      "partition 0: leader 1 named replica 3 (rack r3), not an in-sync replica in the consumer's rack r2 (2)",
    ]);
    expect(followerFetchingViolations({ ...clean, told: new Map([[0, [2]], [1, [3]]]), fetchesTo: new Map([["127.0.0.1:9093", 1], ["127.0.0.1:9094", 1]]) })).toEqual([
      "partition 1: its leader 2 is in the consumer's rack r2 (or no in-sync replica is), yet it named replica 3 to read from",
    ]);
  });

  it("reports records read wrong, beyond the high watermark, or not at all", () => {
    const violations = followerFetchingViolations({ ...clean, read: [{ partition: 0, offset: 0, value: "z" }, { partition: 0, offset: 1, value: "c" }] });
    expect(violations).toEqual([
      'partition 0, offset 0: read "z", but "a" was written there',
      "partition 0: read offset 1, at or beyond the high watermark 1",
      "1 record(s) were never read, first b at partition 1, offset 0",
    ]);
  });
});
