// The node's timers on a manual clock and a disk that loses unsynced writes: flush.ms makes
// appended data durable without flush.messages, and a topic without it leaves durability to the
// operating system (here: lost in the power cut); retention runs every
// log.retention.check.interval.ms.
import { describe, expect, it } from "vitest";
import { BrokerConfig } from "../config/broker-config.ts";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { buildRecordBatch } from "../log/batch-builder.ts";
import { RecordBatch } from "../log/record-batch.ts";
import { lineLogger } from "../logger.ts";
import { planCreateTopic } from "../metadata/controller-logic.ts";
import { registerBroker } from "./broker-registration.ts";
import { Housekeeping } from "./housekeeping.ts";
import { ReplicaManager } from "./replica-manager.ts";
import { SingleNodeQuorum } from "./single-node-quorum.ts";

const quiet = lineLogger("test", { sink: () => {} });
const config = BrokerConfig.parse(["log.retention.check.interval.ms=1000"]);

async function node(disk: MemoryDisk, clock: ManualClock) {
  const quorum = new SingleNodeQuorum(disk, "/data", quiet);
  await quorum.start();
  const replicas = new ReplicaManager({ nodeId: 1, dataDir: "/data", config, disk, clock, logger: quiet, onPartitionChange: () => {} });
  replicas.load(quorum.image);
  quorum.subscribe((records, image) => replicas.onMetadata(records, image));
  await registerBroker(quorum, { brokerId: 1, host: "127.0.0.1", port: 9092, rack: null }, config);
  const housekeeping = new Housekeeping(() => replicas.partitions(), config, clock, quiet);
  housekeeping.start();
  return { quorum, replicas, housekeeping };
}

const batch = (timestamp: number) => new RecordBatch(buildRecordBatch({ records: [{ value: "x" }], timestamp }));

describe("housekeeping", () => {
  it("flushes topics with flush.ms on time and leaves the others to the operating system", async () => {
    const disk = new MemoryDisk();
    const clock = new ManualClock(1_000_000);
    const first = await node(disk, clock);
    const defaults = { numPartitions: 1, replicationFactor: 1 };
    await first.quorum.write((image) => planCreateTopic(image, { name: "timed", numPartitions: 1, replicationFactor: 1, configs: [{ name: "flush.ms", value: "100" }] }, defaults));
    await first.quorum.write((image) => planCreateTopic(image, { name: "lazy", numPartitions: 1, replicationFactor: 1 }, defaults));
    for (const topic of ["timed", "lazy"]) first.replicas.partition(topic, 0)?.appendAsLeader(batch(clock.nowMs()), 1, "client");
    // Checked within a second of a topic appearing, then every flush.ms.
    clock.advance(1_100);
    first.housekeeping.stop();
    disk.crash(() => 0, false);

    const second = await node(disk, clock);
    expect(second.replicas.partition("timed", 0)?.log.logEndOffset).toBe(1);
    expect(second.replicas.partition("lazy", 0)?.log.logEndOffset).toBe(0);
    second.housekeeping.stop();
  });

  it("applies retention.ms at the retention check interval", async () => {
    const disk = new MemoryDisk();
    const clock = new ManualClock(10_000_000);
    const { quorum, replicas, housekeeping } = await node(disk, clock);
    await quorum.write((image) =>
      planCreateTopic(image, { name: "short", numPartitions: 1, replicationFactor: 1, configs: [{ name: "retention.ms", value: "5000" }, { name: "segment.ms", value: "1000" }] }, { numPartitions: 1, replicationFactor: 1 }),
    );
    const partition = replicas.partition("short", 0);
    if (!partition) throw new Error("short-0 is not hosted");
    partition.appendAsLeader(batch(clock.nowMs() - 10_000), 1, "client");
    partition.appendAsLeader(batch(clock.nowMs()), 1, "client");
    clock.advance(999);
    expect(partition.log.logStartOffset).toBe(0);
    clock.advance(1);
    expect(partition.log.logStartOffset).toBe(1);
    housekeeping.stop();
  });
});
