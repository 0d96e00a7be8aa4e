// How operations are written into the history: invocations without offsets, partitions named
// "topic-partition", keyed sends carrying their key; and the fixed assigner's partition table.
import { describe, expect, it } from "vitest";
import { eventProblem } from "../history/validate.ts";
import { partitionsByTopic } from "./kafkajs/fixed-assigner.ts";
import { invokeValue, parsePartitionName, partitionName, sendTarget, type ClientOperation } from "./workload-client.ts";

describe("operations in the history", () => {
  it("names a send's partition, or its topic when the partitioner chooses", () => {
    expect(sendTarget({ topic: "orders", partition: 2, value: 1 })).toBe("orders-2");
    expect(sendTarget({ topic: "orders", value: 1 })).toBe("orders");
    expect(parsePartitionName(partitionName("kc-a-b-a0", 11))).toEqual({ topic: "kc-a-b-a0", partition: 11 });
    expect(parsePartitionName("orders")).toBeUndefined();
  });

  it("writes invocations the history format accepts", () => {
    const operations: ClientOperation[] = [
      { f: "send", sends: [{ topic: "t", value: 1, key: "k1" }, { topic: "t", partition: 0, value: 2 }] },
      { f: "poll" },
      { f: "commit" },
      { f: "assign", partitions: ["t-0", "t-1"], seekToBeginning: true },
      { f: "subscribe", topics: ["t"], group: "g" },
    ];
    expect(invokeValue(operations[0])).toEqual([
      ["send", "t", 1, { key: "k1" }],
      ["send", "t-0", 2],
    ]);
    for (const [i, operation] of operations.entries()) {
      expect(eventProblem({ index: i, time: i, process: 0, type: "invoke", f: operation.f, value: invokeValue(operation) })).toBeUndefined();
    }
  });

  it("assigns the fixed assigner's partitions by topic, sorted", () => {
    expect(partitionsByTopic(["a-2", "b-0", "a-0", "c"])).toEqual({ a: [0, 2], b: [0] });
  });
});
