// Supervised children with real processes: log capture, the nemesis's signals, bounded stop, and
// the short-lived command runner.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SupervisedProcess } from "./child.ts";
import { waitForLogLine } from "./log-file.ts";
import { liveChildPids } from "./reaper.ts";
import { runCommand } from "./run.ts";

const scratch = mkdtempSync(join(tmpdir(), "kconform-child-"));
let logs = 0;
const logFile = () => join(scratch, `child-${++logs}.log`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

describe("SupervisedProcess", () => {
  it("appends stdout and stderr to its log file", async () => {
    const file = logFile();
    const child = await SupervisedProcess.start({ name: "echo", file: "/bin/sh", args: ["-c", "echo out; echo err >&2"], logFile: file });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(file, "utf8")).toBe("out\nerr\n");
  });

  it("pauses, resumes and kills, and is no longer tracked afterwards", async () => {
    const child = await SupervisedProcess.start({ name: "sleeper", file: "/bin/sleep", args: ["30"], logFile: logFile() });
    expect(liveChildPids()).toContain(child.pid);
    await child.pause();
    expect(state(child.pid)).toBe("T");
    await child.resume();
    expect(state(child.pid)).not.toBe("T");
    expect(await child.kill()).toEqual({ code: null, signal: "SIGKILL" });
    expect(child.isRunning()).toBe(false);
    expect(liveChildPids()).not.toContain(child.pid);
  });

  it("stops a paused process gracefully, and SIGKILLs one that ignores SIGTERM", async () => {
    const polite = await SupervisedProcess.start({ name: "polite", file: "/bin/sleep", args: ["30"], logFile: logFile() });
    await polite.pause();
    expect(await polite.terminate(5_000)).toEqual({ code: null, signal: "SIGTERM" });

    const file = logFile();
    const stubborn = await SupervisedProcess.start({ name: "stubborn", file: "/bin/sh", args: ["-c", "trap '' TERM; echo armed; exec sleep 30"], logFile: file });
    await waitForLogLine({ file, fromOffset: 0, pattern: /armed/, timeoutMs: 5_000 });
    expect(await stubborn.terminate(300)).toEqual({ code: null, signal: "SIGKILL" });
  });
});

describe("runCommand", () => {
  it("returns the exit code and the interleaved output", async () => {
    const result = await runCommand({ file: "/bin/sh", args: ["-c", "echo one; echo two >&2; exit 3"] }, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ code: 3, timedOut: false });
    expect(result.output).toContain("one\n");
    expect(result.output).toContain("two\n");
  });

  it("kills a command that overruns its bound", async () => {
    const result = await runCommand({ file: "/bin/sleep", args: ["30"] }, { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
  });
});
