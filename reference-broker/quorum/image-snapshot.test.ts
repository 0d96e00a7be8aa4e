// A metadata snapshot rebuilds exactly the image it was taken of, whatever records built it:
// brokers registered, fenced and back, topics created and deleted, ISR and leader changes with
// their epochs, configs and producer-id blocks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planAlterPartition,
  planBrokerFenced,
  planBrokerUnfenced,
  planCreateTopic,
  planDeleteTopic,
  planPreferredLeaderElection,
  type Plan,
} from "../metadata/controller-logic.ts";
import { MetadataImage } from "../metadata/image.ts";
import { decodeMetadataSnapshot, encodeMetadataSnapshot } from "./image-snapshot.ts";

type Op = (image: MetadataImage) => Plan;

const broker = fc.integer({ min: 1, max: 4 });
const topicName = fc.constantFrom("a", "b", "c");
const noUnclean = () => false;

const op: fc.Arbitrary<Op> = fc.oneof(
  broker.map((id): Op => () => ({ ok: true, records: [{ type: "register-broker", brokerId: id, incarnation: `i${id}-${Math.random()}`, host: "h", port: 9000 + id, rack: id % 2 ? "r1" : null }] })),
  broker.map((id): Op => (image) => (image.brokers.has(id) ? planBrokerUnfenced(image, id, noUnclean) : { ok: true, records: [] })),
  broker.map((id): Op => (image) => (image.isLive(id) ? planBrokerFenced(image, id, noUnclean) : { ok: true, records: [] })),
  fc.tuple(topicName, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(
    ([name, numPartitions, replicationFactor, withConfig]): Op =>
      (image) => planCreateTopic(image, { name, numPartitions, replicationFactor, ...(withConfig ? { configs: [{ name: "retention.ms", value: "1000" }] } : {}) }, { numPartitions: 1, replicationFactor: 1 }),
  ),
  topicName.map((name): Op => (image) => planDeleteTopic(image, name)),
  topicName.map(
    (name): Op =>
      (image) => {
        const p = image.partition(name, 0);
        if (!p) return { ok: true, records: [] };
        return planAlterPartition(image, { topicId: p.topicId, partition: 0, leaderId: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [p.leader] });
      },
  ),
  fc.constant<Op>((image) => planPreferredLeaderElection(image)),
  fc.integer({ min: 1, max: 3 }).map((blocks): Op => (image) => ({ ok: true, records: [{ type: "producer-ids", brokerId: 1, nextProducerId: image.nextProducerId + blocks * 1000 }] })),
  fc.constant<Op>(() => ({ ok: true, records: [{ type: "config", resourceType: "broker", resourceName: "", name: "min.insync.replicas", value: "2" }] })),
);

describe("metadata snapshots", () => {
  it("rebuild the image they were taken of", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40, size: "max" }), (ops) => {
        const image = new MetadataImage();
        for (const id of [1, 2, 3, 4]) {
          image.apply({ type: "register-broker", brokerId: id, incarnation: `first-${id}`, host: "h", port: 9000 + id, rack: null });
          image.apply({ type: "unfence-broker", brokerId: id });
        }
        for (const decide of ops) {
          const plan = decide(image);
          if (plan.ok) for (const record of plan.records) image.apply(record);
        }
        const brokerEpochs = new Map([...image.brokers.keys()].map((id) => [id, id * 10]));
        const restored = decodeMetadataSnapshot(encodeMetadataSnapshot({ image, brokerEpochs }), 7);
        expect(restored.image).toEqual(image);
        expect(restored.brokerEpochs).toEqual(brokerEpochs);
      }),
      { numRuns: 200 },
    );
  });
});
