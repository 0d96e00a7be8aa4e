// Snapshots of the metadata state machine on disk, one file each, named as Kafka names them
// (`<endOffset, 20 digits>-<epoch, 10 digits>.checkpoint`) and written atomically: a header with
// the id and a CRC-32C of the data, so a damaged file is skipped instead of loaded.
import { crc32c } from "@node-rs/crc32";
import { readWholeFile, writeFileAtomically, type Disk } from "../../io/disk.ts";
import type { RaftSnapshot } from "./types.ts";

const SUFFIX = ".checkpoint";
const HEADER = 16;
const NAME = /^(\d{20})-(\d{10})\.checkpoint$/;

export function snapshotFileName(endOffset: number, epoch: number): string {
  return `${String(endOffset).padStart(20, "0")}-${String(epoch).padStart(10, "0")}${SUFFIX}`;
}

export function encodeSnapshot(snapshot: RaftSnapshot): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeBigInt64BE(BigInt(snapshot.endOffset), 0);
  header.writeInt32BE(snapshot.epoch, 8);
  header.writeUInt32BE(crc32c(snapshot.data) >>> 0, 12);
  return Buffer.concat([header, snapshot.data]);
}

/** undefined when the bytes are not a whole, intact snapshot of that id. */
export function decodeSnapshot(bytes: Buffer, endOffset: number, epoch: number): RaftSnapshot | undefined {
  if (bytes.length < HEADER) return undefined;
  const data = bytes.subarray(HEADER);
  const intact = Number(bytes.readBigInt64BE(0)) === endOffset && bytes.readInt32BE(8) === epoch && bytes.readUInt32BE(12) === crc32c(data) >>> 0;
  return intact ? { endOffset, epoch, data: Buffer.from(data) } : undefined;
}

/** The newest intact snapshot in dir; older, damaged and half-written files are deleted. */
export function loadLatestSnapshot(disk: Disk, dir: string, onDamaged: (file: string) => void): RaftSnapshot | undefined {
  const candidates = disk
    .list(dir)
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter((c) => c.match !== null)
    .map((c) => ({ name: c.name, endOffset: Number(c.match![1]), epoch: Number(c.match![2]) }))
    .sort((a, b) => b.endOffset - a.endOffset);
  let latest: RaftSnapshot | undefined;
  for (const candidate of candidates) {
    const path = `${dir}/${candidate.name}`;
    if (latest === undefined) {
      latest = decodeSnapshot(readWholeFile(disk, path) ?? Buffer.alloc(0), candidate.endOffset, candidate.epoch);
      if (latest !== undefined) continue;
      onDamaged(path);
    }
    disk.remove(path);
  }
  for (const name of disk.list(dir)) if (name.endsWith(`${SUFFIX}.tmp`)) disk.remove(`${dir}/${name}`);
  return latest;
}

/** Writes the snapshot durably, then deletes every other snapshot file in dir. */
export function saveSnapshot(disk: Disk, dir: string, snapshot: RaftSnapshot): void {
  const name = snapshotFileName(snapshot.endOffset, snapshot.epoch);
  writeFileAtomically(disk, dir, name, encodeSnapshot(snapshot));
  for (const other of disk.list(dir)) if (other !== name && NAME.test(other)) disk.remove(`${dir}/${other}`);
  disk.syncDir(dir);
}
