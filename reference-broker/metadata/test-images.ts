// Metadata images for the controller-decision tests: a cluster of live brokers with topics placed
// by the controller's own rules, and a way to commit a decision's records to it.
import { planCreateTopic } from "./controller-logic.ts";
import { MetadataImage } from "./image.ts";
import type { MetadataRecord } from "./records.ts";

export function clusterOf(brokers: number): MetadataImage {
  const image = new MetadataImage();
  for (let id = 1; id <= brokers; id++) {
    image.apply({ type: "register-broker", brokerId: id, incarnation: `i${id}`, host: "127.0.0.1", port: 9000 + id, rack: null });
    image.apply({ type: "unfence-broker", brokerId: id });
  }
  return image;
}

export function applyAll(image: MetadataImage, records: readonly MetadataRecord[]): void {
  for (const record of records) image.apply(record);
}

export function withTopic(image: MetadataImage, name: string, numPartitions: number, replicationFactor: number): MetadataImage {
  const plan = planCreateTopic(image, { name, numPartitions, replicationFactor }, { numPartitions: 1, replicationFactor: 1 }, `id-${name}`);
  if (!plan.ok) throw new Error(`${plan.error}: ${plan.message}`);
  applyAll(image, plan.records);
  return image;
}
