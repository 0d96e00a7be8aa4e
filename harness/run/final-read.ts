// The final phase's read: after every fault is healed, one fresh consumer assigned every
// partition reads from the beginning up to the end offsets, so a value nobody ever polled can be
// told apart: lost (the log moved past it) or merely unseen.
import { setTimeout as sleep } from "node:timers/promises";
import type { MicroOp, OffsetValue } from "../history/types.ts";
import { partitionName, type WorkloadClient } from "../clients/workload-client.ts";
import { perform, type WorkerContext } from "./worker.ts";

export interface FinalReadOutcome {
  /** Partitions read up to their end offset. */
  complete: boolean;
  /** Partitions that were not, with how far the read got. */
  missing: string[];
  records: number;
}

/** Consecutive empty polls after which the log is taken to have nothing more (gaps, markers). */
const IDLE_POLLS = 6;

function lastOffsets(value: unknown, into: Map<string, number>): number {
  let records = 0;
  for (const mop of value as MicroOp[]) {
    if (mop[0] !== "poll" || mop.length < 2) continue;
    for (const [partition, pairs] of Object.entries(mop[1] as Record<string, OffsetValue[]>)) {
      records += pairs.length;
      for (const [offset] of pairs) if (offset !== null && offset > (into.get(partition) ?? -1)) into.set(partition, offset);
    }
  }
  return records;
}

export async function finalRead(client: WorkloadClient, topic: string, endOffsets: ReadonlyMap<number, number>, context: Omit<WorkerContext, "signal">, timeoutMs: number): Promise<FinalReadOutcome> {
  const deadline = performance.now() + timeoutMs;
  const ends = [...endOffsets].map(([partition, end]) => [partitionName(topic, partition), end] as const);
  const read = new Map<string, number>();
  const behind = () => ends.filter(([name, end]) => end > 0 && (read.get(name) ?? -1) < end - 1);
  const signal = new AbortController().signal;
  let records = 0;
  try {
    while (performance.now() < deadline) {
      try {
        await client.open();
        break;
      } catch {
        await sleep(500);
      }
    }
    const joined = await perform(client, { f: "assign", partitions: ends.map(([name]) => name), seekToBeginning: true }, { ...context, signal });
    let idle = 0;
    while (joined.type !== "fail" && behind().length > 0 && idle < IDLE_POLLS && performance.now() < deadline) {
      const polled = await perform(client, { f: "poll" }, { ...context, signal });
      const n = polled.type === "ok" ? lastOffsets(polled.value, read) : 0;
      records += n;
      idle = n === 0 ? idle + 1 : 0;
    }
  } finally {
    await client.close();
  }
  const missing = behind().map(([name, end]) => `${name} read to offset ${read.get(name) ?? "none"} of ${end - 1}`);
  return { complete: missing.length === 0, missing, records };
}
