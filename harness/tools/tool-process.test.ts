// The tool runner with real processes: input, separate stdout and stderr, line listeners, exit codes
// and the time bound turned into typed errors naming the command.
import { describe, expect, it } from "vitest";
import { liveChildPids } from "../proc/reaper.ts";
import { quoteCommand, runTool, ToolFailedError, ToolProcess } from "./tool-process.ts";

const sh = (script: string) => ({ tool: "sh", file: "/bin/sh", args: ["-c", script] });

describe("runTool", () => {
  it("feeds stdin and keeps stdout and stderr apart", async () => {
    const result = await runTool(sh("tr a-z A-Z; echo note >&2"), { input: "hello\n", timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 0, signal: null, stdout: "HELLO\n", stderr: "note\n", timedOut: false });
    expect(result.command).toEqual(["/bin/sh", "-c", "tr a-z A-Z; echo note >&2"]);
  });

  it("turns a non-zero exit into a ToolFailedError carrying the command and the stderr tail", async () => {
    const run = runTool(sh("echo 'Error while executing topic command' >&2; exit 1"), { timeoutMs: 10_000 });
    await expect(run).rejects.toBeInstanceOf(ToolFailedError);
    await expect(run).rejects.toMatchObject({ code: "tool-failed", stderr: "Error while executing topic command\n", context: { exitCode: 1, tool: "sh" } });
    await expect(run).rejects.toThrow("sh failed (exit code 1): /bin/sh -c 'echo '\\''Error while executing topic command'\\'' >&2; exit 1'\nError while executing topic command");
  });

  it("returns when the tool exits even if a background child of it still holds the pipes", async () => {
    // Without the drain bound this would wait the full 120 s for the sleep and time the test out.
    const result = await runTool(sh("sleep 120 & echo $!; exit 0"), { timeoutMs: 60_000 });
    process.kill(Number(result.stdout.trim()), "SIGKILL");
    expect(result).toMatchObject({ code: 0, timedOut: false });
  });

  it("accepts the exit codes it is told are fine", async () => {
    await expect(runTool(sh("exit 3"), { timeoutMs: 10_000, okCodes: [0, 3] })).resolves.toMatchObject({ code: 3 });
  });

  it("kills a tool that runs past its bound and says so", async () => {
    const run = runTool(sh("exec sleep 30"), { timeoutMs: 200 });
    await expect(run).rejects.toMatchObject({ code: "tool-timeout", message: expect.stringMatching(/^sh did not finish within 0\.2 s: /) });
    expect(liveChildPids()).toEqual([]);
  });
});

describe("ToolProcess", () => {
  it("offers complete lines while the tool runs, the unfinished last one at exit", async () => {
    const tool = await ToolProcess.start(sh("printf 'a\\nb'; printf 'x\\ny' >&2"));
    const out: string[] = [];
    const err: string[] = [];
    tool.onStdoutLine((line) => out.push(line));
    tool.onStderrLine((line) => err.push(line));
    await tool.wait(10_000);
    expect(out).toEqual(["a", "b"]);
    expect(err).toEqual(["x", "y"]);
  });

  it("terminate() lets the tool exit on SIGTERM", async () => {
    const tool = await ToolProcess.start(sh("trap 'echo bye; exit 0' TERM; echo up; while :; do sleep 0.05; done"));
    await new Promise<void>((resolve) => tool.onStdoutLine((line) => line === "up" && resolve()));
    const result = await tool.terminate(5_000);
    expect(result).toMatchObject({ code: 0, stdout: "up\nbye\n" });
  });
});

it("quoteCommand quotes only what a shell would mangle", () => {
  expect(quoteCommand(["java", "-cp", "/libs/*", "a b", "it's"])).toBe("java -cp /libs/* 'a b' 'it'\\''s'");
});
