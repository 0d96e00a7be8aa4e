// The cache lock: holders never overlap, and a lock left by a dead process is taken over.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { LockTimeoutError, withLock } from "./lock.ts";

const scratch = mkdtempSync(join(tmpdir(), "kconform-lock-"));
let locks = 0;
const freshLock = () => join(scratch, `lock-${++locks}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("withLock", () => {
  it("runs holders one at a time and releases the lock", async () => {
    const lock = freshLock();
    let inside = 0;
    let maxInside = 0;
    const holder = () =>
      withLock(lock, async () => {
        maxInside = Math.max(maxInside, ++inside);
        await sleep(50);
        inside--;
      });
    await Promise.all([holder(), holder(), holder()]);
    expect(maxInside).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock whose owner process has exited", async () => {
    const lock = freshLock();
    const deadPid = spawnSync("true").pid as number;
    mkdirSync(lock);
    writeFileSync(join(lock, "owner"), String(deadPid));
    await expect(withLock(lock, async () => "ran", { timeoutMs: 2_000 })).resolves.toBe("ran");
  });

  it("gives up on a live owner after the timeout, naming it", async () => {
    const lock = freshLock();
    mkdirSync(lock);
    writeFileSync(join(lock, "owner"), String(process.pid));
    let waitedFor: number | undefined;
    const attempt = withLock(lock, async () => "ran", { timeoutMs: 300, onWait: (owner) => (waitedFor = owner) });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toThrow(`held by process ${process.pid}`);
    expect(waitedFor).toBe(process.pid);
  });
});
