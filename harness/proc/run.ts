// Runs a short-lived command to completion (mvn, go install, Kafka's storage tool) and keeps the
// end of its output, which is where build tools say what went wrong.
import { spawnTracked, type ExitStatus, type SpawnSpec } from "./child.ts";

export interface CommandResult extends ExitStatus {
  /** Interleaved stdout and stderr, at most the last `outputLimit` characters. */
  output: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  outputLimit?: number;
}

export async function runCommand(spec: SpawnSpec, options: RunOptions): Promise<CommandResult> {
  const limit = options.outputLimit ?? 64 * 1024;
  const child = await spawnTracked(spec, ["ignore", "pipe", "pipe"]);
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > 2 * limit) output = output.slice(-limit);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs);
  // 'close' rather than 'exit': it fires after the pipes are drained, so no output is lost.
  const status = await new Promise<ExitStatus>((resolve) =>
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  return { ...status, output: output.slice(-limit), timedOut };
}

/** The last `lines` non-empty lines of a command's or log's text, for error messages. */
export function lastLines(text: string, lines: number): string {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-lines)
    .join("\n");
}
