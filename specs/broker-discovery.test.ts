// metadataDisagreements: identical complete views pass; a broker missing from a view, a topic a
// broker does not know, a different leader, or a leader outside the replicas fail with the evidence.
import { describe, expect, it } from "vitest";
import { metadataDisagreements, type MetadataView } from "./broker-discovery.ts";

const topics = [{ name: "t", partitions: 2, replicationFactor: 2 }];
function view(address: string, changes: Partial<MetadataView> = {}): MetadataView {
  return {
    askedAt: `broker at ${address}`,
    brokers: ["1@127.0.0.1:9092", "2@127.0.0.1:9093", "3@127.0.0.1:9094"],
    topics: new Map([
      ["__consumer_offsets", [{ partition: 0, leader: 1, replicas: [1, 2, 3] }]],
      ["t", [{ partition: 0, leader: 1, replicas: [1, 2] }, { partition: 1, leader: 3, replicas: [2, 3] }]],
    ]),
    ...changes,
  };
}

describe("metadataDisagreements", () => {
  it("passes brokers that all give the same complete answer", () => {
    expect(metadataDisagreements([view("a"), view("b"), view("c")], { brokerIds: [1, 2, 3], topics })).toEqual([]);
  });

  it("reports a broker that lists fewer brokers", () => {
    const partial = view("b", { brokers: ["1@127.0.0.1:9092", "2@127.0.0.1:9093"] });
    expect(metadataDisagreements([view("a"), partial], { brokerIds: [1, 2, 3], topics })).toEqual([
      "broker at b lists brokers [1@127.0.0.1:9092, 2@127.0.0.1:9093], missing broker(s) 3",
      "broker at a lists brokers [1@127.0.0.1:9092, 2@127.0.0.1:9093, 3@127.0.0.1:9094] but broker at b lists [1@127.0.0.1:9092, 2@127.0.0.1:9093]",
    ]);
  });

  it("reports a broker that does not know a topic, and one that names another leader", () => {
    const unaware = view("b", { topics: new Map([["__consumer_offsets", [{ partition: 0, leader: 1, replicas: [1, 2, 3] }]]]) });
    const otherLeader = view("c", { topics: new Map([...view("c").topics, ["t", [{ partition: 0, leader: 2, replicas: [1, 2] }, { partition: 1, leader: 3, replicas: [2, 3] }]]]) });
    const violations = metadataDisagreements([view("a"), unaware, otherLeader], { topics });
    expect(violations).toContain("broker at b does not list topic t");
    expect(violations).toContain('topic t: broker at a says [{"partition":0,"leader":1,"replicas":[1,2]},{"partition":1,"leader":3,"replicas":[2,3]}] but broker at c says [{"partition":0,"leader":2,"replicas":[1,2]},{"partition":1,"leader":3,"replicas":[2,3]}]');
  });

  it("reports a leader outside the replicas and a partition count unlike the created one", () => {
    const wrong = view("a", { topics: new Map([["t", [{ partition: 0, leader: 3, replicas: [1, 2] }]]]) });
    expect(metadataDisagreements([wrong], { topics })).toEqual(["broker at a lists 1 partitions of t, created with 2", "broker at a names 3 leader of t-0, not one of its replicas [1,2]"]);
  });
});
