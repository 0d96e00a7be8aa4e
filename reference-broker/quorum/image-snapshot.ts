// A snapshot of the metadata state machine: the image written as the records that rebuild it
// (brokers, fencing, topics, partitions, configs, producer ids) plus what records cannot say — the
// leader and partition epochs reached, how many records were applied — and each broker's epoch
// (the offset of its registration), which the controller checks heartbeats against.
import { MetadataImage } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { MetadataEntryError } from "./metadata-entries.ts";

export interface MetadataState {
  image: MetadataImage;
  /** Broker id → offset of its registration record (Kafka's broker epoch). */
  brokerEpochs: Map<number, number>;
}

interface SnapshotBody {
  version: 1;
  records: MetadataRecord[];
  /** [topicId, partition, leaderEpoch, partitionEpoch] */
  epochs: [string, number, number, number][];
  appliedRecords: number;
  brokerEpochs: [number, number][];
}

/** The records that rebuild the image, in an order that applies. */
export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const broker of image.brokers.values()) {
    const { brokerId, incarnation, host, port, rack } = broker;
    records.push({ type: "register-broker", brokerId, incarnation, host, port, rack });
    if (!broker.fenced) records.push({ type: "unfence-broker", brokerId });
  }
  const configs = (resourceType: "topic" | "broker", resourceName: string) => {
    for (const [name, value] of image.configOverrides(resourceType, resourceName)) records.push({ type: "config", resourceType, resourceName, name, value });
  };
  configs("broker", "");
  for (const brokerId of image.brokers.keys()) configs("broker", String(brokerId));
  for (const topic of image.topicsById.values()) {
    records.push({ type: "topic", name: topic.name, topicId: topic.topicId });
    for (const p of topic.partitions) {
      if (p) records.push({ type: "partition", topicId: p.topicId, partition: p.partition, replicas: [...p.replicas], isr: [...p.isr], leader: p.leader });
    }
    configs("topic", topic.name);
  }
  if (image.nextProducerId > 0) records.push({ type: "producer-ids", brokerId: -1, nextProducerId: image.nextProducerId });
  return records;
}

export function encodeMetadataSnapshot(state: MetadataState): Buffer {
  const epochs: SnapshotBody["epochs"] = [];
  for (const topic of state.image.topicsById.values()) {
    for (const p of topic.partitions) if (p) epochs.push([p.topicId, p.partition, p.leaderEpoch, p.partitionEpoch]);
  }
  const body: SnapshotBody = {
    version: 1,
    records: imageRecords(state.image),
    epochs,
    appliedRecords: state.image.appliedRecords,
    brokerEpochs: [...state.brokerEpochs],
  };
  return Buffer.from(JSON.stringify(body), "utf8");
}

export function decodeMetadataSnapshot(data: Buffer, endOffset: number): MetadataState {
  let body: SnapshotBody;
  try {
    body = JSON.parse(data.toString("utf8")) as SnapshotBody;
  } catch (error) {
    throw new MetadataEntryError(`the metadata snapshot at ${endOffset} is not JSON`, "metadata-snapshot", { endOffset }, { cause: error });
  }
  if (body?.version !== 1 || !Array.isArray(body.records) || !Array.isArray(body.epochs) || !Array.isArray(body.brokerEpochs)) {
    throw new MetadataEntryError(`the metadata snapshot at ${endOffset} has an unknown layout`, "metadata-snapshot", { endOffset });
  }
  const image = new MetadataImage();
  for (const record of body.records) image.apply(record);
  for (const [topicId, partition, leaderEpoch, partitionEpoch] of body.epochs) {
    const state = image.topicsById.get(topicId)?.partitions[partition];
    if (state) Object.assign(state, { leaderEpoch, partitionEpoch });
  }
  image.appliedRecords = body.appliedRecords;
  return { image, brokerEpochs: new Map(body.brokerEpochs) };
}
