// Runs a fault schedule against a cluster: at each fault's time it looks at the cluster, aims
// the fault by role, starts it, and stops it when its window ends, recording every step in the
// history (process "nemesis") and as a window for the report. Faults this context cannot inject
// are said once and skipped; heal-at-end undoes everything any package may have left.
import { setTimeout as sleep } from "node:timers/promises";
import type { HistoryEvent, NewHistoryEvent } from "../history/types.ts";
import type { FaultWindow, ScheduledFault } from "../run/result.ts";
import { FAULT_PACKAGES } from "./catalogue.ts";
import type { ActiveFault, FaultPackage, NemesisContext } from "./fault.ts";
import { parseTarget, resolveTarget } from "./targeting.ts";

export interface NemesisOptions {
  context: NemesisContext;
  /** Appends to the history and returns the event with its time. */
  record: (event: NewHistoryEvent) => HistoryEvent;
  /** Milliseconds since the run started. */
  elapsedMs: () => number;
  /** Bound on looking at the cluster before aiming a fault. */
  observeTimeoutMs?: number;
  say?: (message: string) => void;
  packages?: readonly FaultPackage[];
}

interface Running {
  scheduled: ScheduledFault;
  window: FaultWindow;
  active: ActiveFault;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Nemesis {
  private readonly windows: FaultWindow[] = [];
  private readonly unavailable = new Map<string, string>();
  private readonly running = new Set<Running>();
  private readonly packages: readonly FaultPackage[];

  constructor(private readonly options: NemesisOptions) {
    this.packages = options.packages ?? FAULT_PACKAGES;
  }

  /** Windows of the faults that started, in order; a window without endNs never healed. */
  get faultWindows(): FaultWindow[] {
    return [...this.windows];
  }

  /** Each fault that could not run here, with the reason (said once per fault). */
  get notes(): string[] {
    return [...this.unavailable].map(([fault, reason]) => `${fault} skipped: ${reason}`);
  }

  /**
   * Plays `schedule` in order until it ends or `signal` aborts; active faults stay for healAll.
   * A fault that overruns its window (a slow restart) delays the ones after it, so each still
   * gets its full duration rather than being squeezed into a window already gone.
   */
  async run(schedule: readonly ScheduledFault[], signal?: AbortSignal): Promise<void> {
    const ordered = [...schedule].sort((a, b) => a.atMs - b.atMs);
    let lagMs = 0;
    for (const scheduled of ordered) {
      if (!(await this.waitUntil(scheduled.atMs + lagMs, signal))) return;
      const begin = this.options.elapsedMs();
      const running = await this.startFault(scheduled);
      if (running !== undefined) {
        if (!(await this.waitUntil(begin + scheduled.durationMs, signal))) return;
        await this.stopFault(running);
      }
      lagMs = Math.max(0, this.options.elapsedMs() - (scheduled.atMs + scheduled.durationMs));
    }
  }

  /** Stops what is still running, then heals every package's leftovers. Returns what failed. */
  async healAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const running of [...this.running]) {
      const stopped = await this.stopFault(running);
      if (!stopped) problems.push(`stopping ${running.scheduled.fault} failed`);
    }
    this.options.record({ process: "nemesis", type: "invoke", f: "heal-all" });
    const heals = new Set(this.packages.filter((fault) => fault.unavailable(this.options.context) === undefined).map((fault) => fault.heal));
    for (const heal of heals) {
      try {
        await heal(this.options.context);
      } catch (error) {
        problems.push(message(error));
      }
    }
    this.options.record({ process: "nemesis", type: problems.length === 0 ? "info" : "fail", f: "heal-all", ...(problems.length > 0 ? { error: problems.join("; ") } : {}) });
    return problems;
  }

  private async waitUntil(atMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    const wait = atMs - this.options.elapsedMs();
    if (signal?.aborted) return false;
    if (wait <= 0) return true;
    try {
      await sleep(wait, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  private async startFault(scheduled: ScheduledFault): Promise<Running | undefined> {
    const { context, record } = this.options;
    const f = `start-${scheduled.fault}`;
    const params = scheduled.params ?? {};
    const value = { target: scheduled.target, ...(Object.keys(params).length > 0 ? { params } : {}) };
    record({ process: "nemesis", type: "invoke", f, value });
    const fault = this.packages.find((candidate) => candidate.name === scheduled.fault);
    const refuse = (reason: string): undefined => {
      record({ process: "nemesis", type: "fail", f, value, error: reason });
      return undefined;
    };
    if (fault === undefined) return refuse(`no fault package named ${scheduled.fault}`);
    const reason = fault.unavailable(context);
    if (reason !== undefined) {
      if (!this.unavailable.has(fault.name)) {
        this.unavailable.set(fault.name, reason);
        this.options.say?.(`${fault.name} faults are skipped: ${reason}`);
      }
      return refuse(`unavailable: ${reason}`);
    }
    try {
      const target = parseTarget(scheduled.target);
      const view = await this.observe();
      const nodes = resolveTarget(target, view, typeof params.pick === "number" ? params.pick : 0);
      const active = await fault.start(context, { target, nodes, view, params });
      const started = record({ process: "nemesis", type: "info", f, value: { ...value, nodes, targets: active.targets } });
      const window: FaultWindow = { fault: fault.name, label: fault.label, color: fault.color, startNs: started.time, targets: active.targets, ...(Object.keys(params).length > 0 ? { params } : {}) };
      this.windows.push(window);
      const running = { scheduled, window, active };
      this.running.add(running);
      return running;
    } catch (error) {
      return refuse(message(error));
    }
  }

  /** Stops one fault and closes its window; false (recorded as a failed stop) when stopping threw. */
  private async stopFault(running: Running): Promise<boolean> {
    const { record } = this.options;
    this.running.delete(running);
    const f = `stop-${running.scheduled.fault}`;
    const value = { target: running.scheduled.target, targets: running.window.targets };
    record({ process: "nemesis", type: "invoke", f, value });
    try {
      await running.active.stop();
      running.window.endNs = record({ process: "nemesis", type: "info", f, value }).time;
      return true;
    } catch (error) {
      record({ process: "nemesis", type: "fail", f, value, error: message(error) });
      return false;
    }
  }

  private async observe() {
    const timeoutMs = this.options.observeTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.options.context.observe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`could not see the cluster within ${timeoutMs} ms to aim the fault`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
