// A client tool (a Kafka CLI JVM, kcat) as a child process: stdin fed by us, stdout and stderr kept
// apart and readable line by line while it runs, a bound on time, and a typed error naming the command.
import type { ChildProcess } from "node:child_process";
import { KconformError } from "../errors.ts";
import { spawnTracked, type ExitStatus, type SpawnSpec } from "../proc/child.ts";
import { lastLines } from "../proc/run.ts";

export interface ToolSpec extends SpawnSpec {
  /** Short name for messages, e.g. "kafka-topics" or "kcat". */
  tool: string;
}

export interface ToolResult extends ExitStatus {
  /** The full command line, program first. */
  command: readonly string[];
  stdout: string;
  /** The last STDERR_LIMIT characters of stderr. */
  stderr: string;
  durationMs: number;
  /** True when the tool was killed for running past `timeoutMs`. */
  timedOut: boolean;
  timeoutMs?: number;
}

/** The tool exited non-zero, was killed by a signal, or ran past its time bound. */
export class ToolFailedError extends KconformError {
  constructor(readonly result: ToolResult, tool: string) {
    const how = result.timedOut ? `did not finish within ${(result.timeoutMs ?? result.durationMs) / 1000} s` : `failed (${result.signal !== null ? `signal ${result.signal}` : `exit code ${result.code}`})`;
    const tail = lastLines(result.stderr, 12) || lastLines(result.stdout, 12);
    super(`${tool} ${how}: ${quoteCommand(result.command)}${tail.length > 0 ? `\n${tail}` : ""}`, result.timedOut ? "tool-timeout" : "tool-failed", {
      tool,
      command: result.command,
      exitCode: result.code,
      signal: result.signal,
      stderrTail: lastLines(result.stderr, 40),
    });
  }

  get stderr(): string {
    return this.result.stderr;
  }

  get stdout(): string {
    return this.result.stdout;
  }
}

const STDERR_LIMIT = 256 * 1024;
const STDOUT_LIMIT = 64 * 1024 * 1024;
const PIPE_DRAIN_MS = 1_000;

/** A command line as one could paste it into a shell, for messages. */
export function quoteCommand(command: readonly string[]): string {
  return command.map((word) => (/^[\w@%+=:,./*-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(" ");
}

type LineListener = (line: string) => void;

/** Splits a byte stream into lines, keeping an unfinished last line until more arrives. */
class LineSplitter {
  private partial = "";
  constructor(private readonly listeners: LineListener[]) {}

  push(text: string): void {
    if (this.listeners.length === 0) return;
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of this.listeners) listener(line);
  }

  flush(): void {
    if (this.partial.length > 0) for (const listener of this.listeners) listener(this.partial);
    this.partial = "";
  }
}

/** A running tool. Output is collected whole (stdout) or as a tail (stderr) and offered line by line. */
export class ToolProcess {
  readonly command: readonly string[];
  private stdout = "";
  private stderr = "";
  private readonly stdoutLines: LineListener[] = [];
  private readonly stderrLines: LineListener[] = [];
  private readonly closed: Promise<ExitStatus>;
  private readonly startedAt = performance.now();
  private timedOut = false;

  private constructor(
    readonly spec: ToolSpec,
    private readonly child: ChildProcess,
  ) {
    this.command = [spec.file, ...spec.args];
    const out = new LineSplitter(this.stdoutLines);
    const err = new LineSplitter(this.stderrLines);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (this.stdout.length < STDOUT_LIMIT) this.stdout += chunk;
      out.push(chunk);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      if (this.stderr.length > 2 * STDERR_LIMIT) this.stderr = this.stderr.slice(-STDERR_LIMIT);
      err.push(chunk);
    });
    // A tool that exits without reading all of its input must not crash us with EPIPE.
    child.stdin?.on("error", () => undefined);
    // 'close' rather than 'exit': it fires once the pipes are drained, so no output is lost. But a
    // grandchild that inherited the pipes can hold them open after the tool died; then we stop waiting.
    this.closed = new Promise((resolve) => {
      let done = false;
      const finish = (status: ExitStatus) => {
        if (done) return;
        done = true;
        out.flush();
        err.flush();
        resolve(status);
      };
      child.once("close", (code: number | null, signal: NodeJS.Signals | null) => finish({ code, signal }));
      child.once("exit", (code: number | null, signal: NodeJS.Signals | null) => {
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish({ code, signal });
        }, PIPE_DRAIN_MS).unref();
      });
    });
  }

  static async start(spec: ToolSpec): Promise<ToolProcess> {
    const child = await spawnTracked(spec, ["pipe", "pipe", "pipe"]);
    return new ToolProcess(spec, child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Called for every complete line of stdout from now on (earlier lines are in output().stdout). */
  onStdoutLine(listener: LineListener): void {
    this.stdoutLines.push(listener);
  }

  onStderrLine(listener: LineListener): void {
    this.stderrLines.push(listener);
  }

  write(text: string | Buffer): void {
    this.child.stdin?.write(text);
  }

  endInput(): void {
    this.child.stdin?.end();
  }

  /** Waits for the exit, SIGKILLing the tool once `timeoutMs` has passed; never throws. */
  async wait(timeoutMs: number): Promise<ToolResult> {
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.child.kill("SIGKILL");
    }, timeoutMs);
    try {
      return { ...this.result(await this.closed), timeoutMs };
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM (the tools close their clients cleanly on it), SIGKILL after `graceMs`. */
  async terminate(graceMs = 10_000): Promise<ToolResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      return this.result(await this.closed);
    } finally {
      clearTimeout(timer);
    }
  }

  private result(status: ExitStatus): ToolResult {
    return { ...status, command: this.command, stdout: this.stdout, stderr: this.stderr.slice(-STDERR_LIMIT), durationMs: performance.now() - this.startedAt, timedOut: this.timedOut };
  }
}

export interface RunToolOptions {
  input?: string | Buffer;
  timeoutMs: number;
  /** Exit codes that count as success (default [0]). */
  okCodes?: readonly number[];
}

/** Runs a tool to completion; anything but an accepted exit code is a ToolFailedError. */
export async function runTool(spec: ToolSpec, options: RunToolOptions): Promise<ToolResult> {
  const tool = await ToolProcess.start(spec);
  if (options.input !== undefined) tool.write(options.input);
  tool.endInput();
  const result = await tool.wait(options.timeoutMs);
  const ok = !result.timedOut && result.code !== null && (options.okCodes ?? [0]).includes(result.code);
  if (!ok) throw new ToolFailedError(result, spec.tool);
  return result;
}
