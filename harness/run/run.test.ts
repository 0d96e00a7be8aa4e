// The verdict of a whole run and its exit code, the ones a CI gate reads: any failure is 1,
// anything undecided (or nothing run) is 2, otherwise 0; and topic names that never read as
// partitions.
import { describe, expect, it } from "vitest";
import { parsePartitionName, partitionName } from "../clients/workload-client.ts";
import { verdictOfRun } from "./run.ts";
import { topicName } from "./run-scenario.ts";

describe("verdictOfRun", () => {
  it("fails on any failure, is unknown on anything undecided, passes otherwise", () => {
    expect(verdictOfRun([{ status: "passed" }, { status: "failed" }, { status: "unknown" }])).toEqual({ status: "failed", exitCode: 1 });
    expect(verdictOfRun([{ status: "passed" }, { status: "unknown" }])).toEqual({ status: "unknown", exitCode: 2 });
    expect(verdictOfRun([{ status: "passed" }, { status: "skipped" }])).toEqual({ status: "passed", exitCode: 0 });
    expect(verdictOfRun([{ status: "skipped" }])).toEqual({ status: "skipped", exitCode: 2 });
    expect(verdictOfRun([])).toEqual({ status: "skipped", exitCode: 2 });
  });
});

describe("topicName", () => {
  it("is a legal Kafka topic name whose partitions parse back to it", () => {
    for (const [scenario, attempt] of [["safe-leader-kill", 0], ["weird name/with*chars", 12]] as const) {
      const topic = topicName(scenario, "a1b2c3", attempt);
      expect(topic).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(parsePartitionName(topic)).toBeUndefined();
      expect(parsePartitionName(partitionName(topic, 7))).toEqual({ topic, partition: 7 });
    }
  });
});
