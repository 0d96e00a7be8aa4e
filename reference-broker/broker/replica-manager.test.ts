// The replica manager following the metadata image on a simulated disk: replicas appear with their
// topics and lead them, go with them (directory and all), stray directories are cleared on load,
// leadership listeners hear of each change, and producer state survives a clean restart and a crash.
import { describe, expect, it } from "vitest";
import { BrokerConfig } from "../config/broker-config.ts";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { buildRecordBatch } from "../log/batch-builder.ts";
import { RecordBatch } from "../log/record-batch.ts";
import { lineLogger } from "../logger.ts";
import { planCreateTopic, planDeleteTopic } from "../metadata/controller-logic.ts";
import { fenceBroker, registerBroker } from "./broker-registration.ts";
import { BrokerApiError } from "./errors.ts";
import { ReplicaManager, type LeadershipListener } from "./replica-manager.ts";
import { SingleNodeQuorum } from "./single-node-quorum.ts";

const quiet = lineLogger("test", { sink: () => {} });
const config = BrokerConfig.parse([]);

async function startNode(disk: MemoryDisk, clock: ManualClock) {
  const quorum = new SingleNodeQuorum(disk, "/data", quiet);
  await quorum.start();
  const changes: string[] = [];
  const replicas = new ReplicaManager({ nodeId: 1, dataDir: "/data", config, disk, clock, logger: quiet, onPartitionChange: (key) => changes.push(key) });
  replicas.load(quorum.image);
  quorum.subscribe((records, image) => replicas.onMetadata(records, image));
  await registerBroker(quorum, { brokerId: 1, host: "127.0.0.1", port: 9092, rack: null }, config);
  return { quorum, replicas, changes };
}

function idempotentBatch(sequence: number, values: string[]): RecordBatch {
  return new RecordBatch(buildRecordBatch({ records: values.map((value) => ({ value })), timestamp: 1_000, producerId: 7, producerEpoch: 0, baseSequence: sequence }));
}

describe("replica manager", () => {
  it("hosts and leads a created topic's partitions and deletes them with the topic", async () => {
    const disk = new MemoryDisk();
    const { quorum, replicas, changes } = await startNode(disk, new ManualClock(1_000));
    const events: string[] = [];
    const listener: LeadershipListener = {
      becameLeader: (p) => events.push(`lead ${p.key}@${p.leaderEpoch}`),
      resigned: (tp) => events.push(`resign ${tp.topic}-${tp.partition}`),
    };
    replicas.addLeadershipListener(listener);
    await quorum.write((image) => planCreateTopic(image, { name: "orders", numPartitions: 2, replicationFactor: 1 }, { numPartitions: 1, replicationFactor: 1 }));
    expect(replicas.partitions().map((p) => [p.key, p.isLeader, p.leaderEpoch])).toEqual([
      ["orders-0", true, 0],
      ["orders-1", true, 0],
    ]);
    expect(events).toEqual(["lead orders-0@0", "lead orders-1@0"]);
    expect(disk.exists("/data/orders-1/partition.metadata")).toBe(true);
    expect(changes).toContain("orders-1");

    await quorum.write((image) => planDeleteTopic(image, "orders"));
    expect(replicas.partitions()).toEqual([]);
    expect(disk.exists("/data/orders-0")).toBe(false);
    expect(events.slice(2)).toEqual(["resign orders-0", "resign orders-1"]);
  });

  it("removes partition directories the image does not account for", async () => {
    const disk = new MemoryDisk();
    disk.mkdirs("/data/ghost-0");
    const { replicas } = await startNode(disk, new ManualClock(1_000));
    expect(disk.exists("/data/ghost-0")).toBe(false);
    expect(disk.exists("/data/__cluster_metadata-0/metadata.log")).toBe(true);
    expect(replicas.partitions()).toEqual([]);
  });

  it("keeps idempotent-producer state over a clean restart and over a crash", async () => {
    for (const ending of ["clean", "crash"] as const) {
      const disk = new MemoryDisk();
      const clock = new ManualClock(1_000);
      const first = await startNode(disk, clock);
      await first.quorum.write((image) => planCreateTopic(image, { name: "t", numPartitions: 1, replicationFactor: 1 }, { numPartitions: 1, replicationFactor: 1 }));
      const partition = first.replicas.partition("t", 0);
      if (!partition) throw new Error("t-0 is not hosted");
      expect(partition.appendAsLeader(idempotentBatch(0, ["a", "b"]), -1, "client")).toMatchObject({ firstOffset: 0, duplicate: false });
      partition.log.flush();
      if (ending === "clean") {
        await fenceBroker(first.quorum, 1, config);
        first.replicas.close();
        await first.quorum.stop();
      } else {
        disk.crash(() => 0.5, false);
      }

      const second = await startNode(disk, clock);
      const again = second.replicas.partition("t", 0);
      if (!again) throw new Error("t-0 is not hosted after the restart");
      expect(again.isLeader).toBe(true);
      expect(again.leaderEpoch).toBe(2);
      expect(again.appendAsLeader(idempotentBatch(0, ["a", "b"]), -1, "client")).toMatchObject({ firstOffset: 0, lastOffset: 1, duplicate: true });
      expect(() => again.appendAsLeader(idempotentBatch(5, ["z"]), -1, "client")).toThrow(BrokerApiError);
      expect(again.appendAsLeader(idempotentBatch(2, ["c"]), -1, "client")).toMatchObject({ firstOffset: 2, duplicate: false });
      expect(again.log.highWatermark).toBe(3);
    }
  });
});
