// The live progress display of a run. The run loop reports events (phase, scenario, operations,
// faults); on a terminal one status line redraws in place, elsewhere (CI logs, pipes) a plain line
// marks each phase and scenario, or nothing at all when quiet.
import { formatClock, formatCount } from "../format.ts";
import { fitToWidth, itemText, statusLine, type ProgressState } from "./status-line.ts";

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Where to draw; standard output by default. */
  stream?: ProgressStream;
  /** Monotonic milliseconds; `performance.now` by default. */
  now?: () => number;
  /** Redraw in place; by default when the stream is a terminal. */
  interactive?: boolean;
  /** When not interactive, print nothing at all (instead of a line per phase and scenario). */
  quiet?: boolean;
  /** Interactive only: redraw this often even without events, so elapsed time moves; 0 never. */
  redrawMs?: number;
  /** Operations per second are averaged over this window. */
  rateWindowMs?: number;
}

const CLEAR_LINE = "\r\x1b[2K";
/** Operations arrive in bursts: draw at most this often on their account. */
const MIN_REDRAW_MS = 100;

export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly interactive: boolean;
  private readonly quiet: boolean;
  private readonly rateWindowMs: number;
  private readonly state: ProgressState;
  private phaseStartedAtMs: number;
  private readonly samples: { atMs: number; total: number }[] = [];
  private lastDrawMs = -Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;
  private finished = false;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.now = options.now ?? (() => performance.now());
    this.interactive = options.interactive ?? this.stream.isTTY === true;
    this.quiet = options.quiet ?? false;
    this.rateWindowMs = options.rateWindowMs ?? 5_000;
    const start = this.now();
    this.phaseStartedAtMs = start;
    this.state = { startedAtMs: start, faults: new Map(), totalOps: 0, opsPerSecond: 0 };
    this.samples.push({ atMs: start, total: 0 });
    const redrawMs = options.redrawMs ?? 250;
    if (this.interactive && redrawMs > 0) {
      this.timer = setInterval(() => this.draw(), redrawMs);
      this.timer.unref();
    }
  }

  /** A new phase of the run ("specs", "chaos", "final read", "checking", "reports"). */
  phase(name: string, options: { expectedMs?: number } = {}): void {
    if (this.finished) return;
    const now = this.now();
    const previous = this.state.phase;
    if (previous !== undefined && this.interactive) this.stream.write(`${CLEAR_LINE}${previous} done in ${formatClock(now - this.phaseStartedAtMs)}\n`);
    this.state.phase = name;
    this.state.phaseEndsAtMs = options.expectedMs !== undefined ? now + options.expectedMs : undefined;
    this.state.scenario = undefined;
    this.phaseStartedAtMs = now;
    this.line(`${name}${options.expectedMs !== undefined ? ` (about ${formatClock(options.expectedMs)})` : ""}`);
    this.draw();
  }

  /** A scenario (or, with kind "spec", a spec) starts; `index` counts from 1. */
  scenario(name: string, options: { kind?: "scenario" | "spec"; index?: number; total?: number; expectedMs?: number } = {}): void {
    if (this.finished) return;
    const { kind, index, total, expectedMs } = options;
    this.state.scenario = { name, kind, index, total, endsAtMs: expectedMs !== undefined ? this.now() + expectedMs : undefined };
    this.state.faults.clear();
    this.line(itemText(this.state.scenario));
    this.draw();
  }

  /** `n` operations completed. */
  ops(n = 1): void {
    if (this.finished) return;
    this.state.totalOps += n;
    if (this.now() - this.lastDrawMs >= MIN_REDRAW_MS) this.draw();
  }

  /** A fault was injected ("start") or healed ("stop"). */
  fault(action: "start" | "stop", label: string): void {
    if (this.finished) return;
    const active = this.state.faults.get(label) ?? 0;
    if (action === "start") this.state.faults.set(label, active + 1);
    else if (active > 1) this.state.faults.set(label, active - 1);
    else this.state.faults.delete(label);
    this.draw();
  }

  /** The run is over: stops redrawing and leaves one closing line (unless quiet). */
  done(summary?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    const text = `done in ${formatClock(this.now() - this.state.startedAtMs)} · ${formatCount(this.state.totalOps)} ops${summary ? ` · ${summary}` : ""}`;
    if (this.interactive) this.stream.write(`${CLEAR_LINE}${text}\n`);
    else this.line(text);
  }

  /** A plain line for logs (non-interactive only). */
  private line(text: string): void {
    if (!this.interactive && !this.quiet) this.stream.write(`kconform: ${text}\n`);
  }

  private draw(): void {
    const now = this.now();
    this.updateRate(now);
    if (!this.interactive || this.finished) return;
    this.lastDrawMs = now;
    this.stream.write(CLEAR_LINE + fitToWidth(statusLine(this.state, now), this.stream.columns));
  }

  /** Average rate over the window: keeps a sample every quarter second, and one just older than the window. */
  private updateRate(now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (now - last.atMs >= 250) this.samples.push({ atMs: now, total: this.state.totalOps });
    while (this.samples.length > 2 && now - this.samples[1].atMs >= this.rateWindowMs) this.samples.shift();
    const base = this.samples[0];
    const seconds = (now - base.atMs) / 1_000;
    this.state.opsPerSecond = seconds > 0 ? (this.state.totalOps - base.total) / seconds : 0;
  }
}
