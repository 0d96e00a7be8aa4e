// describeViolations and errorTypes: a description matching the request passes; wrong partition
// counts, replica sets, leaders outside the ISR and a lost config override fail with the evidence.
import { describe, expect, it } from "vitest";
import { errorTypes } from "./kit/records.ts";
import { describeViolations, type DescribedTopic, type RequestedTopic } from "./topic-administration.ts";

const requested: RequestedTopic = { name: "t", partitions: 2, replicationFactor: 2, retentionMs: 3_600_000 };
const described = (changes: Partial<DescribedTopic> = {}): DescribedTopic => ({
  metadata: { name: "t", partitions: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1, 2] }, { partitionErrorCode: 0, partitionId: 1, leader: 2, replicas: [2, 3], isr: [2] }] },
  retentionMs: "3600000",
  ...changes,
});

describe("describeViolations", () => {
  it("passes a topic described as it was created", () => {
    expect(describeViolations(requested, described(), [1, 2, 3])).toEqual([]);
  });

  it("reports a missing partition, a short replica set, a leader outside the ISR and a lost override", () => {
    const wrong = described({ metadata: { name: "t", partitions: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [2] }] }, retentionMs: "604800000" });
    expect(describeViolations(requested, wrong, [1, 2, 3])).toEqual([
      "t was created with 2 partitions but is described with partitions [0]",
      "t-0 has replicas [1], created with replication factor 2",
      "t-0 has leader 1, which is not among its replicas [1] and ISR [2]",
      "t-0 has ISR [2] outside its replicas [1]",
      "t was created with retention.ms=3600000 but is described with retention.ms=604800000",
    ]);
  });

  it("reports replicas on brokers the cluster does not list, and a topic not found", () => {
    expect(describeViolations(requested, described(), [1, 2])).toEqual(["t-1 has replicas [2,3] on broker(s) 3 the cluster does not list (brokers [1,2])"]);
    expect(describeViolations(requested, { metadata: undefined, retentionMs: undefined }, [1])).toEqual(["describing t found no such topic"]);
  });
});

describe("errorTypes", () => {
  it("finds a protocol error's type on the error or inside an aggregate", () => {
    expect(errorTypes({ type: "INVALID_REPLICATION_FACTOR" })).toEqual(["INVALID_REPLICATION_FACTOR"]);
    expect(errorTypes({ name: "KafkaJSAggregateError", errors: [{ type: "INVALID_REPLICATION_FACTOR" }] })).toEqual(["INVALID_REPLICATION_FACTOR"]);
    expect(errorTypes(new Error("plain"))).toEqual([]);
  });
});
