// The contract between the catalogue and its analyses: an analysis reads the shared index and
// reports what it finds (an analysis that throws makes the verdict unknown). Helpers for sentences.
import type { Anomaly, AnomalyType } from "./anomalies.ts";
import type { HistoryIndex } from "./history-index.ts";

export interface Findings {
  /**
   * Reports one anomaly; `describe` runs only while the type's list is under the reporting limit.
   * Call it from a small function of its own, never from inside a loop over operations or records:
   * variables a closure captures live in a context object that V8 allocates every time the loop
   * body is entered, whether or not the closure is ever made.
   */
  report(type: AnomalyType, describe: () => Anomaly): void;
}

export interface Analysis {
  /** Names the analysis in unknown-reasons when it fails. */
  readonly name: string;
  run(index: HistoryIndex, findings: Findings): void;
}

/** "1 record", "3 records". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** "17", "17 and 18", "17, 18 and 19". */
export function list(items: readonly (string | number)[]): string {
  if (items.length <= 1) return items.map(String).join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "op 12", "ops 12 and 15". */
export function opList(ops: readonly number[]): string {
  return ops.length === 1 ? `op ${ops[0]}` : `ops ${list(ops)}`;
}

/** Event indices in history order, without repeats. */
export function evidence(...ops: number[]): number[] {
  return [...new Set(ops.filter((op) => op >= 0))].sort((a, b) => a - b);
}
