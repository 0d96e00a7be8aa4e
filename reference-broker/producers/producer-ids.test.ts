// Producer-id allocation: ids come from durably reserved blocks, are never handed out twice (also
// across a restart), and InitProducerId answers as Kafka does for idempotent producers.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./error-codes.ts";
import { ProducerIdBlockAllocator, ProducerIdManager, type ProducerIdBlockSource } from "./producer-ids.ts";

/** A single node's block source: the allocator plus a "disk" holding the last persisted nextProducerId. */
function nodeStore(blockSize: number) {
  const disk = { nextProducerId: 0, writes: 0 };
  const boot = (): ProducerIdBlockSource => {
    const allocator = new ProducerIdBlockAllocator();
    allocator.replay(disk.nextProducerId);
    return {
      async allocateBlock() {
        const { block, nextProducerId } = allocator.allocate(blockSize);
        disk.nextProducerId = nextProducerId;
        disk.writes++;
        return block;
      },
    };
  };
  return { disk, boot };
}

const idempotent = { transactionalId: null, transactionTimeoutMs: 60_000 };

describe("producer ids", () => {
  it("hands out consecutive ids from blocks and reserves a new block when one runs out", async () => {
    const store = nodeStore(3);
    const manager = new ProducerIdManager(store.boot());
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await manager.generateProducerId());
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(store.disk.writes).toBe(3);
  });

  it("shares one block reservation between concurrent requests", async () => {
    const store = nodeStore(10);
    const manager = new ProducerIdManager(store.boot());
    const ids = await Promise.all(Array.from({ length: 15 }, () => manager.generateProducerId()));
    expect(new Set(ids).size).toBe(15);
    expect(store.disk.writes).toBe(2);
  });

  it("never reuses an id after a restart, skipping the rest of the block in use", async () => {
    const store = nodeStore(1000);
    const before = new ProducerIdManager(store.boot());
    expect(await before.generateProducerId()).toBe(0);
    const after = new ProducerIdManager(store.boot());
    expect(await after.generateProducerId()).toBe(1000);
  });

  it("ignores a replayed older allocation", () => {
    const allocator = new ProducerIdBlockAllocator(5000);
    allocator.replay(1000);
    expect(allocator.allocate(10).block).toEqual({ firstProducerId: 5000, size: 10 });
    expect(allocator.nextProducerId).toBe(5010);
  });
});

describe("InitProducerId", () => {
  it("gives an idempotent producer a new id at epoch 0, even when it presents its old id and epoch", async () => {
    const manager = new ProducerIdManager(nodeStore(1000).boot());
    expect(await manager.initProducerId(idempotent)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: 0n, producerEpoch: 0 });
    const again = await manager.initProducerId({ ...idempotent, producerId: 0n, producerEpoch: 0 });
    expect(again).toMatchObject({ errorCode: 0, producerId: 1n, producerEpoch: 0 });
  });

  it("refuses a producer id without an epoch, and transactional ids", async () => {
    const manager = new ProducerIdManager(nodeStore(1000).boot());
    const refused = { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    expect(await manager.initProducerId({ ...idempotent, producerId: 5n, producerEpoch: -1 })).toEqual(refused);
    expect(await manager.initProducerId({ ...idempotent, producerId: -1n, producerEpoch: 2 })).toEqual(refused);
    expect(await manager.initProducerId({ ...idempotent, transactionalId: "tx" })).toEqual(refused);
    expect(await manager.initProducerId({ ...idempotent, transactionalId: "" })).toEqual(refused);
  });

  it("answers a retriable error while no block can be reserved, and recovers", async () => {
    let available = false;
    const allocator = new ProducerIdBlockAllocator();
    const manager = new ProducerIdManager({
      allocateBlock: async () => {
        if (!available) throw new Error("no controller quorum");
        return allocator.allocate(10).block;
      },
    });
    expect((await manager.initProducerId(idempotent)).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    available = true;
    expect(await manager.initProducerId(idempotent)).toMatchObject({ errorCode: 0, producerId: 0n });
  });

  it("treats an empty block as a broken source instead of looping", async () => {
    const manager = new ProducerIdManager({ allocateBlock: async () => ({ firstProducerId: 0, size: 0 }) });
    await expect(manager.generateProducerId()).rejects.toThrow(/unusable block/);
  });
});
