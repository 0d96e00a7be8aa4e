// What the live progress display knows, and the one line it draws from that: pure, so the line's
// content is tested without a terminal or a clock.
import { formatClock, formatCount } from "../format.ts";

export interface ProgressState {
  startedAtMs: number;
  phase?: string;
  /** When the current phase is expected to end (from its expected duration), if known. */
  phaseEndsAtMs?: number;
  /** The scenario (or spec) running now. */
  scenario?: { name: string; kind?: "scenario" | "spec"; index?: number; total?: number; endsAtMs?: number };
  /** Active faults by label, with how many of each. */
  faults: Map<string, number>;
  totalOps: number;
  opsPerSecond: number;
}

/** `chaos · scenario 3/8 leader-kill · 1,234 ops/s · faults: kill n2 · 00:42 elapsed · ~01:10 left`. */
export function statusLine(state: ProgressState, nowMs: number): string {
  const parts: string[] = [state.phase ?? "starting"];
  if (state.scenario) {
    parts.push(itemText(state.scenario));
  }
  parts.push(`${formatCount(state.opsPerSecond)} ops/s`, `${formatCount(state.totalOps)} ops`);
  const faults = [...state.faults].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
  parts.push(faults.length > 0 ? `faults: ${faults.join(", ")}` : "no faults");
  parts.push(`${formatClock(nowMs - state.startedAtMs)} elapsed`);
  const endsAt = state.scenario?.endsAtMs ?? state.phaseEndsAtMs;
  if (endsAt !== undefined) parts.push(`~${formatClock(Math.max(0, endsAt - nowMs))} left`);
  return parts.join(" · ");
}

/** `scenario 3/8 leader-kill`, `spec 2/12 ordering-within-partition`. */
export function itemText(item: NonNullable<ProgressState["scenario"]>): string {
  const kind = item.kind ?? "scenario";
  return item.index !== undefined && item.total !== undefined ? `${kind} ${item.index}/${item.total} ${item.name}` : `${kind} ${item.name}`;
}

/** Cuts a line to the terminal's width, so redrawing in place never wraps onto a second line. */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (!columns || columns < 8 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}
