// The single-node quorum: a decision commits durably (it survives a power cut and a restart), a
// refusal commits nothing, listeners see each committed batch once, and writes after stop fail.
import { describe, expect, it } from "vitest";
import { MemoryDisk } from "../io/memory-disk.ts";
import { lineLogger } from "../logger.ts";
import { planCreateTopic } from "../metadata/controller-logic.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { QuorumStoppedError, SingleNodeQuorum } from "./single-node-quorum.ts";

const quiet = lineLogger("test", { sink: () => {} });
const register: MetadataRecord[] = [
  { type: "register-broker", brokerId: 1, incarnation: "a", host: "127.0.0.1", port: 9092, rack: null },
  { type: "unfence-broker", brokerId: 1 },
];

async function started(disk: MemoryDisk): Promise<SingleNodeQuorum> {
  const quorum = new SingleNodeQuorum(disk, "/data", quiet);
  await quorum.start();
  return quorum;
}

describe("single-node metadata quorum", () => {
  it("keeps committed decisions across a power cut and a restart", async () => {
    const disk = new MemoryDisk();
    const quorum = await started(disk);
    const seen: MetadataRecord[][] = [];
    quorum.subscribe((records) => seen.push([...records]));
    await quorum.write(() => ({ ok: true, records: register }));
    const created = await quorum.write((image) => planCreateTopic(image, { name: "orders", numPartitions: 2, replicationFactor: 1 }, { numPartitions: 1, replicationFactor: 1 }));
    expect(created.ok).toBe(true);
    expect(seen).toHaveLength(2);
    disk.crash();
    const restarted = await started(disk);
    expect(restarted.image.topicsByName.get("orders")?.partitions).toHaveLength(2);
    expect(restarted.image.isLive(1)).toBe(true);
    expect(restarted.image.appliedRecords).toBe(quorum.image.appliedRecords);
  });

  it("commits nothing for a refused decision", async () => {
    const disk = new MemoryDisk();
    const quorum = await started(disk);
    const seen: unknown[] = [];
    quorum.subscribe((records) => seen.push(records));
    const plan = await quorum.write(() => ({ ok: false, error: "INVALID_REPLICATION_FACTOR", message: "no brokers" }));
    expect(plan.ok).toBe(false);
    expect(seen).toEqual([]);
    expect(quorum.image.appliedRecords).toBe(0);
  });

  it("refuses writes once stopped", async () => {
    const quorum = await started(new MemoryDisk());
    await quorum.stop();
    await expect(quorum.write(() => ({ ok: true, records: register }))).rejects.toBeInstanceOf(QuorumStoppedError);
  });
});
