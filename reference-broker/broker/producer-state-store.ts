// Idempotent-producer state of one partition across restarts: a snapshot written beside the
// segments on clean shutdown (`<mapEndOffset>.snapshot`, as Kafka names them), and on open the
// newest usable snapshot plus the batches after it. Without a usable snapshot (after a crash) the
// state is rebuilt from every batch header in the log.
import type { Disk } from "../io/disk.ts";
import { readWholeFile, writeFileAtomically } from "../io/disk.ts";
import type { PartitionLog } from "../log/partition-log.ts";
import { rebuildProducerState, type ProducerStateManager, type ProducerStateSnapshot } from "../producers/producer-state.ts";
import { CorruptProducerSnapshotError, decodeProducerSnapshot, encodeProducerSnapshot } from "../producers/snapshot.ts";

const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

function snapshotName(offset: number): string {
  return `${String(offset).padStart(20, "0")}.snapshot`;
}

/** Loads the partition's producer state; reports a snapshot it had to skip through `onCorrupt`. */
export function loadProducerState(
  disk: Disk,
  log: PartitionLog,
  nowMs: number,
  onCorrupt: (file: string, reason: string) => void,
): ProducerStateManager {
  const names = disk.list(log.dir).filter((name) => SNAPSHOT_FILE.test(name)).sort().reverse();
  let snapshot: ProducerStateSnapshot | undefined;
  for (const name of names) {
    const bytes = readWholeFile(disk, `${log.dir}/${name}`);
    if (bytes === undefined) continue;
    try {
      snapshot = decodeProducerSnapshot(bytes);
      break;
    } catch (error) {
      if (!(error instanceof CorruptProducerSnapshotError)) throw error;
      onCorrupt(name, error.message);
    }
  }
  // A snapshot describes the log as it was on a clean shutdown; it is consumed here, so a crash
  // later never pairs it with a log that moved on (or was truncated) since.
  for (const name of names) disk.remove(`${log.dir}/${name}`);
  return rebuildProducerState({
    options: { topicPartition: `${log.topicPartition.topic}-${log.topicPartition.partition}` },
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    ...(snapshot !== undefined ? { snapshot } : {}),
    batchesFrom: (fromOffset) => log.batchHeaders(Math.max(fromOffset, log.logStartOffset)),
    nowMs,
  });
}

/** Writes the state as of the log end, for a clean shutdown (call before the log closes). */
export function saveProducerState(disk: Disk, log: PartitionLog, state: ProducerStateManager): void {
  writeFileAtomically(disk, log.dir, snapshotName(state.mapEndOffset), encodeProducerSnapshot(state.snapshot()));
}
