// Remembers every child process the harness spawned and kills whatever is still alive when this
// process ends (normal exit, uncaught error, SIGINT/SIGTERM/SIGHUP), so no broker outlives us.
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

/** Track a freshly spawned child until it exits. */
export function adopt(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  install();
}

/** Pids of children that have not exited yet (for tests asserting nothing was left behind). */
export function liveChildPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

/** SIGKILL every tracked child, synchronously: the only kind of work an 'exit' handler may do. */
export function killAllNow(): void {
  for (const child of live) {
    if (child.pid === undefined) continue;
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {
      // Already gone between its exit and our bookkeeping: nothing to kill.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener (the CLI's graceful shutdown) owns this signal; the 'exit' hook still reaps
  // whatever it leaves. Alone, we must also reproduce the default behaviour: die by the signal.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  for (const s of EXIT_SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllNow);
  for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
}
