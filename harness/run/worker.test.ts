// The worker's pure parts: each plan step becomes an operation with fresh unique values, and
// invocations and completions become history events the format accepts.
import { describe, expect, it } from "vitest";
import { eventProblem } from "../history/validate.ts";
import type { ConsumerPlan, ProducerPlan } from "../generator/plan.ts";
import { completionEvent, consumerOperation, groupName, invokeEvent, membershipOperation, producerOperation } from "./worker.ts";

const producer: ProducerPlan = { process: 0, ratePerSecond: 10, pattern: [[{ key: 3 }, { key: null, partition: 1 }], [{ key: null }]] };

describe("worker operations", () => {
  it("cycles the producer's pattern with fresh values", () => {
    let value = 0;
    const next = () => ++value;
    expect(producerOperation(producer, 0, "t", next)).toEqual({ f: "send", sends: [{ topic: "t", value: 1, key: "k3" }, { topic: "t", value: 2, partition: 1 }] });
    expect(producerOperation(producer, 1, "t", next)).toEqual({ f: "send", sends: [{ topic: "t", value: 3 }] });
    expect(producerOperation(producer, 2, "t", next)).toEqual({ f: "send", sends: [{ topic: "t", value: 4, key: "k3" }, { topic: "t", value: 5, partition: 1 }] });
  });

  it("joins as planned and cycles the consumer's steps", () => {
    const assign: ConsumerPlan = { process: 1, ratePerSecond: 5, membership: { mode: "assign", partitions: [0, 2], seekToBeginning: true }, pattern: ["poll", "commit"] };
    const subscribe: ConsumerPlan = { ...assign, membership: { mode: "subscribe", group: 1 } };
    expect(membershipOperation(assign, "t")).toEqual({ f: "assign", partitions: ["t-0", "t-2"], seekToBeginning: true });
    expect(membershipOperation(subscribe, "t")).toEqual({ f: "subscribe", topics: ["t"], group: groupName("t", 1) });
    expect([0, 1, 2].map((i) => consumerOperation(assign, i).f)).toEqual(["poll", "commit", "poll"]);
  });

  it("writes events the history format accepts, with group, seek and rebalance where they belong", () => {
    const subscribe = { f: "subscribe" as const, topics: ["t"], group: "t-g0" };
    const events = [
      invokeEvent(1, subscribe),
      completionEvent(1, subscribe, { type: "ok", value: ["t"], group: "t-g0", rebalance: [{ type: "assigned", partitions: ["t-0"], generation: 2 }], generation: 2 }),
      invokeEvent(1, { f: "assign", partitions: ["t-0"], seekToBeginning: false }),
      completionEvent(0, { f: "send", sends: [{ topic: "t", value: 5 }] }, { type: "ok", value: [["send", "t-0", [12, 5]]] }),
      completionEvent(0, { f: "send", sends: [{ topic: "t", value: 6 }] }, { type: "info", value: [["send", "t", 6]], error: "no answer within 10000 ms" }),
      completionEvent(1, { f: "commit" }, { type: "ok", value: { "t-0": 13 }, group: "t-g0", generation: 2 }),
    ];
    expect(events[1]).toMatchObject({ group: "t-g0", generation: 2 });
    expect(events[2]).toMatchObject({ "seek-to-beginning": false });
    for (const [i, event] of events.entries()) expect(eventProblem({ ...event, index: i, time: i })).toBeUndefined();
  });
});
