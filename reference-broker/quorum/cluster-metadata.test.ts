// The metadata image of a Raft node: writes resolve once applied, with listeners told; the image is
// snapshotted once enough was appended and a restart rebuilds it from the snapshot and the log
// after it; a snapshot installed from the leader replaces the image and tells listeners which
// topics are gone.
import { afterEach, describe, expect, it } from "vitest";
import { planCreateTopic, planDeleteTopic } from "../metadata/controller-logic.ts";
import { MetadataImage } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { startSingleVoter, type SingleVoterRig } from "./controller/single-voter-rig.ts";
import { encodeMetadataSnapshot } from "./image-snapshot.ts";

let rig: SingleVoterRig;

afterEach(async () => {
  await rig?.stop();
});

const defaults = { numPartitions: 1, replicationFactor: 1 };

async function registerLive(brokerId: number): Promise<void> {
  const { brokerEpoch } = await rig.controller.registerBroker({ brokerId, incarnation: `i${brokerId}`, host: "h", port: 1, rack: null });
  await rig.controller.heartbeat({ brokerId, brokerEpoch, currentMetadataOffset: rig.metadata.appliedOffset, wantFence: false, wantShutDown: false });
}

describe("ClusterMetadata", () => {
  it("resolves a write once its records are applied, after the listeners saw them", async () => {
    rig = await startSingleVoter();
    await registerLive(1);
    const seen: MetadataRecord[][] = [];
    rig.metadata.subscribe((records) => seen.push([...records]));
    const plan = await rig.metadata.write((image) => planCreateTopic(image, { name: "t", numPartitions: 2, replicationFactor: 1 }, defaults));
    expect(plan.ok).toBe(true);
    expect(rig.metadata.image.topicsByName.get("t")?.partitions).toHaveLength(2);
    expect(seen.flat().map((r) => r.type)).toEqual(["topic", "partition", "partition"]);
    const refused = await rig.metadata.write((image) => planCreateTopic(image, { name: "t", numPartitions: 1, replicationFactor: 1 }, defaults));
    expect(refused).toMatchObject({ ok: false, error: "TOPIC_ALREADY_EXISTS" });
  });

  it("snapshots the image and restarts from the snapshot and the entries after it", async () => {
    rig = await startSingleVoter({ snapshotEveryBytes: 200 });
    await registerLive(1);
    for (const name of ["a", "b", "c", "d"]) await rig.metadata.write((image) => planCreateTopic(image, { name, numPartitions: 1, replicationFactor: 1 }, defaults));
    await rig.metadata.write((image) => planDeleteTopic(image, "b"));
    expect(rig.raft.log.latestSnapshot).toBeDefined();
    const before = rig.metadata.image;
    const epochs = rig.metadata.brokerEpoch(1);
    const { disk, clock } = rig;
    await rig.stop();
    disk.crash(() => 0);
    rig = await startSingleVoter({ disk, clock, snapshotEveryBytes: 200 });
    expect(rig.raft.log.startOffset).toBeGreaterThan(0);
    expect(rig.metadata.image).toEqual(before);
    expect(rig.metadata.brokerEpoch(1)).toBe(epochs);
  });

  it("replaces the image with an installed snapshot and tells listeners which topics went away", async () => {
    rig = await startSingleVoter();
    await registerLive(1);
    await rig.metadata.write((image) => planCreateTopic(image, { name: "old", numPartitions: 1, replicationFactor: 1 }, defaults));
    const oldId = rig.metadata.image.topicsByName.get("old")!.topicId;
    const leaders = new MetadataImage();
    for (const record of [
      { type: "register-broker", brokerId: 1, incarnation: "i1", host: "h", port: 1, rack: null },
      { type: "topic", name: "new", topicId: "new-id" },
      { type: "partition", topicId: "new-id", partition: 0, replicas: [1], isr: [1], leader: 1 },
    ] satisfies MetadataRecord[]) leaders.apply(record);
    const seen: MetadataRecord[] = [];
    rig.metadata.subscribe((records) => seen.push(...records));
    rig.metadata.onSnapshotInstalled({ endOffset: 100, epoch: 9, data: encodeMetadataSnapshot({ image: leaders, brokerEpochs: new Map([[1, 42]]) }) });
    expect([...rig.metadata.image.topicsByName.keys()]).toEqual(["new"]);
    expect(rig.metadata.appliedOffset).toBe(100);
    expect(rig.metadata.brokerEpoch(1)).toBe(42);
    expect(seen[0]).toEqual({ type: "remove-topic", topicId: oldId });
    expect(seen).toContainEqual({ type: "topic", name: "new", topicId: "new-id" });
  });
});
