// Spawning and supervising long-lived child processes (brokers, Toxiproxy): output to a log file,
// signals for the nemesis, bounded graceful stop, and a guarantee that they die with us.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { KconformError } from "../errors.ts";
import { findProgram } from "./programs.ts";
import { adopt } from "./reaper.ts";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(status: ExitStatus): string {
  return status.signal !== null ? `signal ${status.signal}` : `exit code ${status.code}`;
}

export interface SpawnSpec {
  file: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The process could not be spawned at all (bad path, permissions). */
export class SpawnError extends KconformError {}

// setpriv --pdeathsig makes the kernel SIGKILL the child when we die, even by SIGKILL, which no
// handler in this process can cover. It execs, so the child's pid is the program's own.
let setpriv: string | undefined | null = null;
function parentDeathWrapper(): string | undefined {
  if (setpriv === null) setpriv = process.platform === "linux" ? findProgram("setpriv") : undefined;
  return setpriv;
}

/** Spawn a child that is reaped on our exit; resolves once it is running. */
export async function spawnTracked(spec: SpawnSpec, stdio: StdioOptions): Promise<ChildProcess> {
  const wrapper = parentDeathWrapper();
  const [file, args] =
    wrapper === undefined ? [spec.file, [...spec.args]] : [wrapper, ["--pdeathsig", "KILL", "--", spec.file, ...spec.args]];
  const child = spawn(file, args, { env: spec.env ?? process.env, cwd: spec.cwd, stdio });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error) =>
      reject(new SpawnError(`could not start ${spec.file}: ${error.message}`, "spawn-failed", { file: spec.file }, { cause: error })),
    );
  });
  adopt(child);
  return child;
}

export interface SupervisedSpec extends SpawnSpec {
  /** Name used in messages, e.g. "kafka node 2". */
  name: string;
  /** stdout and stderr are appended here. */
  logFile: string;
}

export class SupervisedProcess {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.status = { code, signal };
        resolve(this.status);
      };
      if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode, child.signalCode);
      else child.once("exit", done);
    });
  }

  static async start(spec: SupervisedSpec): Promise<SupervisedProcess> {
    const fd = openSync(spec.logFile, "a");
    try {
      const child = await spawnTracked(spec, ["ignore", fd, fd]);
      return new SupervisedProcess(spec.name, spec.logFile, child);
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(fd);
    }
  }

  get pid(): number {
    // spawnTracked resolved on 'spawn', so the pid exists.
    return this.child.pid as number;
  }

  exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  isRunning(): boolean {
    return this.status === undefined;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.isRunning()) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited between the check and the signal.
    }
  }

  async kill(): Promise<ExitStatus> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /** SIGSTOP, returning once the kernel reports the process stopped. */
  async pause(): Promise<void> {
    this.signal("SIGSTOP");
    await this.waitForState((state) => state === "T" || state === "t");
  }

  async resume(): Promise<void> {
    this.signal("SIGCONT");
    await this.waitForState((state) => state !== "T" && state !== "t");
  }

  /** SIGTERM (and SIGCONT, so a paused process can act on it); SIGKILL after graceMs. */
  async terminate(graceMs: number): Promise<ExitStatus> {
    this.signal("SIGTERM");
    this.signal("SIGCONT");
    // Cancelled once the process exits, so a pending grace timer does not hold the event loop open.
    const grace = new AbortController();
    const timer = sleep(graceMs, "timeout" as const, { signal: grace.signal }).catch(() => "exited" as const);
    const first = await Promise.race([this.exited, timer]);
    grace.abort();
    if (first === "timeout") return this.kill();
    return this.exited;
  }

  private async waitForState(accept: (state: string) => boolean): Promise<void> {
    for (let attempt = 0; attempt < 200 && this.isRunning(); attempt++) {
      const state = processState(this.pid);
      if (state === undefined || accept(state)) return;
      await sleep(10);
    }
  }
}

/** The one-letter state from /proc/<pid>/stat (R, S, T, Z ...), or undefined off Linux. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may contain spaces; the state follows its closing paren.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}
