// The metadata log on a crashable disk: appends survive a reopen, a torn tail is cut, divergent
// tails truncate, epochs answer endOffsetForEpoch as Kafka's leader epoch cache does, and snapshots
// replace the prefix (or the whole log) durably.
import { describe, expect, it } from "vitest";
import { MemoryDisk } from "../../io/memory-disk.ts";
import { encodeEntry } from "./entry-batches.ts";
import { RaftLog, RaftLogError, type RaftLogRecovery } from "./raft-log.ts";
import { truncationOffset, validateFetchPosition } from "./fetch-position.ts";
import { saveSnapshot } from "./snapshot-files.ts";
import type { RaftEntry } from "./types.ts";

const DIR = "/data/__cluster_metadata-0";
const entry = (offset: number, epoch: number, value = `v${offset}`): RaftEntry => ({ offset, epoch, control: false, data: Buffer.from(value) });

function logWith(epochs: number[]): { disk: MemoryDisk; log: RaftLog } {
  const disk = new MemoryDisk();
  const log = RaftLog.open(disk, DIR);
  log.append(epochs.map((epoch, offset) => entry(offset, epoch)));
  return { disk, log };
}

describe("RaftLog", () => {
  it("keeps appended entries across a crash and reopen", () => {
    const { disk, log } = logWith([1, 1, 2]);
    disk.crash(() => 0);
    const reopened = RaftLog.open(disk, DIR);
    expect(reopened.endOffset).toBe(3);
    expect(reopened.lastEpoch).toBe(2);
    expect(reopened.read(0, 1000).map((e) => e.data.toString())).toEqual(["v0", "v1", "v2"]);
    expect(log.entry(1)?.epoch).toBe(1);
  });

  it("cuts a torn tail and appends after the last intact entry", () => {
    const { disk, log } = logWith([1, 1]);
    log.close();
    const file = disk.open(`${DIR}/raft.log`);
    file.append(encodeEntry(entry(2, 1)).subarray(0, 30));
    file.sync();
    file.close();
    const recoveries: RaftLogRecovery[] = [];
    const reopened = RaftLog.open(disk, DIR, (what) => recoveries.push(what));
    expect(reopened.endOffset).toBe(2);
    expect(recoveries[0].tornTail).toBeDefined();
    reopened.append([entry(2, 3)]);
    expect(RaftLog.open(disk, DIR).read(0, 1000).map((e) => e.epoch)).toEqual([1, 1, 3]);
  });

  it("refuses entries that do not continue it", () => {
    const { log } = logWith([2]);
    expect(() => log.append([entry(5, 2)])).toThrow(RaftLogError);
    expect(() => log.append([entry(1, 1)])).toThrow(RaftLogError);
  });

  it("answers endOffsetForEpoch with the largest epoch not above and where it ends", () => {
    const { log } = logWith([1, 1, 3, 3, 3, 5]);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, offset: 2 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, offset: 2 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, offset: 5 });
    expect(log.endOffsetForEpoch(9)).toEqual({ epoch: 5, offset: 6 });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: -1, offset: 0 });
  });

  it("truncates a diverging tail durably, and never below the log start", () => {
    const { disk, log } = logWith([1, 1, 2, 2]);
    log.truncateTo(2);
    expect(log.endOffset).toBe(2);
    expect(log.lastEpoch).toBe(1);
    log.append([entry(2, 4)]);
    expect(RaftLog.open(disk, DIR).read(0, 1000).map((e) => e.epoch)).toEqual([1, 1, 4]);
    log.createSnapshot(2, Buffer.from("state"));
    expect(() => log.truncateTo(1)).toThrow(RaftLogError);
  });

  it("snapshots a prefix away and reopens from the snapshot", () => {
    const { disk, log } = logWith([1, 1, 2, 2, 3]);
    log.createSnapshot(3, Buffer.from("state@3"));
    expect(log.startOffset).toBe(3);
    expect(log.endOffset).toBe(5);
    expect(log.epochAt(2)).toBe(2);
    expect(log.entry(2)).toBeUndefined();
    disk.crash(() => 0);
    const reopened = RaftLog.open(disk, DIR);
    expect(reopened.latestSnapshot).toMatchObject({ endOffset: 3, epoch: 2 });
    expect(reopened.latestSnapshot!.data.toString()).toBe("state@3");
    expect(reopened.read(3, 1000).map((e) => e.offset)).toEqual([3, 4]);
    expect(reopened.endOffsetForEpoch(2)).toEqual({ epoch: 2, offset: 4 });
    expect(reopened.endOffsetForEpoch(1)).toEqual({ epoch: -1, offset: 3 });
    expect(disk.list(DIR).filter((n) => n.endsWith(".checkpoint"))).toEqual(["00000000000000000003-0000000002.checkpoint"]);
  });

  it("an installed snapshot replaces the whole log", () => {
    const { disk, log } = logWith([1, 1]);
    log.installSnapshot({ endOffset: 10, epoch: 4, data: Buffer.from("far ahead") });
    expect([log.startOffset, log.endOffset, log.lastEpoch]).toEqual([10, 10, 4]);
    log.append([entry(10, 5)]);
    const reopened = RaftLog.open(disk, DIR);
    expect([reopened.startOffset, reopened.endOffset]).toEqual([10, 11]);
  });

  it("drops entries that contradict the snapshot they follow", () => {
    const { disk, log } = logWith([1, 1, 1]);
    log.close();
    // A snapshot says entry 1 had epoch 2: this log's entries are not its continuation.
    saveSnapshot(disk, DIR, { endOffset: 2, epoch: 2, data: Buffer.from("s") });
    const recoveries: RaftLogRecovery[] = [];
    const reopened = RaftLog.open(disk, DIR, (what) => recoveries.push(what));
    expect([reopened.startOffset, reopened.endOffset, reopened.lastEpoch]).toEqual([2, 2, 2]);
    expect(recoveries[0].droppedEntries).toBe(3);
  });
});

describe("fetch position", () => {
  it("sends a fetcher with a foreign tail back to where the logs agree", () => {
    const leader = logWith([1, 2, 2, 2]).log;
    const follower = logWith([1, 3, 3]).log;
    const position = validateFetchPosition(leader, follower.endOffset, follower.lastEpoch);
    expect(position).toEqual({ kind: "diverging", divergingEpoch: { epoch: 2, offset: 4 } });
    expect(truncationOffset(follower, { epoch: 2, offset: 4 })).toBe(1);
    expect(validateFetchPosition(leader, 1, 1)).toEqual({ kind: "valid" });
  });

  it("sends a fetcher below the log start to the snapshot", () => {
    const leader = logWith([1, 1, 1, 2]).log;
    leader.createSnapshot(3, Buffer.from("s"));
    expect(validateFetchPosition(leader, 1, 1)).toEqual({ kind: "snapshot", snapshotId: { offset: 3, epoch: 1 } });
    expect(validateFetchPosition(leader, 3, 1)).toEqual({ kind: "valid" });
    expect(validateFetchPosition(leader, 0, 0)).toEqual({ kind: "snapshot", snapshotId: { offset: 3, epoch: 1 } });
  });
});
