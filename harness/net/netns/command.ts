// Running `ip` and `nft`, in the root namespace or inside one of ours, with failures turned into
// typed errors that carry the command line and what it printed.
import { spawn } from "node:child_process";
import { EnvironmentError } from "../../errors.ts";

export class NetnsCommandError extends EnvironmentError {
  constructor(message: string, context: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, "netns-command-failed", context, options);
  }
}

export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
}

/** The command line that runs `command args...` inside network namespace `namespace`. */
export function inNamespace(namespace: string, command: string, args: readonly string[] = []): CommandLine {
  return { command: "ip", args: ["netns", "exec", namespace, command, ...args] };
}

export interface RunOptions {
  /** Written to the command's stdin (for `nft -f -`). */
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** Runs a short command to completion; rejects with NetnsCommandError unless it exits 0. */
export function runCommand(line: CommandLine, options: RunOptions = {}): Promise<string> {
  const { command, args } = line;
  const shown = [command, ...args].join(" ");
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new NetnsCommandError(`could not run \`${shown}\`: ${error.message}`, { command, args }, { cause: error }));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      if (exitCode === 0) return resolve(stdout);
      const why = signal ? `was killed by ${signal}${signal === "SIGKILL" ? ` after ${timeoutMs} ms` : ""}` : `exited ${exitCode}`;
      reject(new NetnsCommandError(`\`${shown}\` ${why}: ${stderr.trim() || stdout.trim()}`, { command, args, exitCode, signal, stderr }));
    });
    child.stdin.on("error", () => undefined); // the command may exit before reading its input
    child.stdin.end(options.input ?? "");
  });
}
