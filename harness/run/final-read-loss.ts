// Acknowledged records missing from the final read: the plainest measure of loss once the final
// reader has read every partition from its beginning to its end. The checker's lost-write misses
// a record some consumer polled before the log lost it (a follower elected without it reuses its
// offset), and acks=0 sends carry no offset at all; both are simply absent from the final log.
import type { HistoryEvent, MicroOp, OffsetValue } from "../history/types.ts";

export interface FinalReadLoss {
  /** Values the producers' sends completed ok. */
  acknowledged: number;
  /** Of those, values the final reader never returned. */
  missing: number;
}

function sentValues(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return (value as MicroOp[]).flatMap((mop) => {
    if (mop[0] !== "send" || mop.length < 3) return [];
    const placed = mop[2];
    return Array.isArray(placed) ? [placed[1]] : [placed];
  });
}

function polledValues(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return (value as MicroOp[]).flatMap((mop) => (mop[0] === "poll" && mop.length > 1 ? Object.values(mop[1] as Record<string, OffsetValue[]>).flatMap((pairs) => pairs.map(([, v]) => v)) : []));
}

/**
 * Why a scenario that does not allow lost writes fails on its final read, or undefined: only a
 * complete read can tell a record missing from one not yet read.
 */
export function finalReadProblem(allowed: readonly string[], complete: boolean, loss: FinalReadLoss): string | undefined {
  if (allowed.includes("lost-write") || !complete || loss.missing === 0) return undefined;
  return `${loss.missing} of ${loss.acknowledged} acknowledged records are missing from the final read, which read every partition from its beginning to its end`;
}

/** Fed a history event by event; `readerProcess` is the final reader's process number. */
export class FinalReadLossCounter {
  private readonly acknowledged = new Set<number>();
  private readonly finallyRead = new Set<number>();

  constructor(private readonly readerProcess: number) {}

  add(event: HistoryEvent): void {
    if (event.type !== "ok" || event.process === "nemesis") return;
    if (event.f === "send") for (const value of sentValues(event.value)) this.acknowledged.add(value);
    else if (event.f === "poll" && event.process === this.readerProcess) for (const value of polledValues(event.value)) this.finallyRead.add(value);
  }

  finish(): FinalReadLoss {
    let missing = 0;
    for (const value of this.acknowledged) if (!this.finallyRead.has(value)) missing++;
    return { acknowledged: this.acknowledged.size, missing };
  }
}
