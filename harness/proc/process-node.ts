// The lifecycle every cluster node the harness runs as a child process shares — Kafka's JVMs and
// the reference broker's node processes alike: signals, graceful stop, restart and disk wipe.
// Subclasses only say how a node starts.
import { rm } from "node:fs/promises";
import { KconformError, StartupError } from "../errors.ts";
import type { ClusterNode, NodeRole } from "../targets/target.ts";
import { describeExit, SupervisedProcess, type SupervisedSpec } from "./child.ts";
import { fileSize, logTail, waitForLogLine } from "./log-file.ts";

export class NodeStateError extends KconformError {}

const STOP_GRACE_MS = 15_000;

export interface NodeIdentity {
  nodeId: number;
  roles: readonly NodeRole[];
  dataDir: string;
  logFile: string;
  clientAddress?: string;
}

export abstract class ProcessNode implements ClusterNode {
  readonly nodeId: number;
  readonly roles: readonly NodeRole[];
  readonly dataDir: string;
  readonly logFile: string;
  readonly clientAddress: string | undefined;
  /** The process of the current incarnation; replaced by each start(). */
  protected current: SupervisedProcess | undefined;

  constructor(identity: NodeIdentity) {
    this.nodeId = identity.nodeId;
    this.roles = identity.roles;
    this.dataDir = identity.dataDir;
    this.logFile = identity.logFile;
    this.clientAddress = identity.clientAddress;
  }

  /** How the node is named in errors, e.g. "kafka node 2". */
  abstract get name(): string;

  abstract start(): Promise<void>;

  pid(): number | undefined {
    return this.current?.isRunning() ? this.current.pid : undefined;
  }

  isRunning(): boolean {
    return this.current?.isRunning() ?? false;
  }

  async kill(): Promise<void> {
    await this.current?.kill();
  }

  async pause(): Promise<void> {
    await this.running("pause").pause();
  }

  async resume(): Promise<void> {
    await this.running("resume").resume();
  }

  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    await this.current?.terminate(graceMs);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Permanent loss of the node's disk; the next start() begins from a blank directory. */
  async wipe(): Promise<void> {
    if (this.isRunning()) throw new NodeStateError(`cannot wipe ${this.name} while it runs (pid ${this.pid()}); stop or kill it first`, "node-running", { nodeId: this.nodeId });
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The end of this node's log, long lines cut, for error messages. */
  logTail(lines = 15): string {
    return logTail(this.logFile, lines)
      .split("\n")
      .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
      .join("\n");
  }

  /**
   * Spawns the node's process and waits until its log shows `ready.pattern` (only lines written
   * after the spawn count). A process that exits first or stays silent past the bound is killed,
   * and the StartupError quotes the end of its log.
   */
  protected async launch(spec: SupervisedSpec, ready: { pattern: RegExp; what: string; timeoutMs: number; errorCode: string }): Promise<void> {
    const logOffset = fileSize(this.logFile);
    const child = await SupervisedProcess.start(spec);
    this.current = child;
    const wait = await waitForLogLine({
      file: this.logFile,
      fromOffset: logOffset,
      pattern: ready.pattern,
      timeoutMs: ready.timeoutMs,
      stopIf: () => {
        const status = child.exitStatus();
        return status === undefined ? undefined : `exited with ${describeExit(status)}`;
      },
    });
    if (wait.outcome === "found") return;
    await child.kill();
    const why = wait.outcome === "timeout" ? `did not ${ready.what} within ${ready.timeoutMs / 1000} s` : wait.reason;
    throw new StartupError(`${this.name} ${why} while starting; last lines of ${this.logFile}:\n${this.logTail()}`, ready.errorCode, {
      nodeId: this.nodeId,
      logFile: this.logFile,
    });
  }

  /** Called first by start(): a node runs at most one process at a time. */
  protected assertStopped(): void {
    if (this.isRunning()) throw new NodeStateError(`${this.name} is already running (pid ${this.pid()})`, "node-running", { nodeId: this.nodeId });
  }

  private running(action: string): SupervisedProcess {
    const child = this.current;
    if (child === undefined || !child.isRunning()) {
      throw new NodeStateError(`cannot ${action} ${this.name}: it is not running`, "node-not-running", { nodeId: this.nodeId });
    }
    return child;
  }
}
