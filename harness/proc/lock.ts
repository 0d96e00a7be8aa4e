// An inter-process lock on a directory name, so concurrent test workers do not download into the
// same cache at once. mkdir is atomic; a lock whose owner process is gone is taken over. Two
// waiters taking over the same stale lock can race; the installers it guards publish their result
// with an atomic rename, so that race costs a duplicate download, never a broken cache.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { KconformError } from "../errors.ts";

export class LockTimeoutError extends KconformError {}

export interface LockOptions {
  timeoutMs?: number;
  /** Called once when the lock is busy, to tell the user why we wait. */
  onWait?: (ownerPid: number | undefined) => void;
}

// A lock directory without an owner file this old was left by a process that died mid-acquire.
const ORPHAN_AFTER_MS = 30_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function ownerOf(lockDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(lockDir, "owner"), "utf8"), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  const owner = await ownerOf(lockDir);
  if (owner !== undefined) return !isAlive(owner);
  try {
    return Date.now() - (await stat(lockDir)).mtimeMs > ORPHAN_AFTER_MS;
  } catch {
    // Released while we looked.
    return false;
  }
}

export async function withLock<T>(lockDir: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      options.onWait?.(await ownerOf(lockDir));
      told = true;
    }
    if (Date.now() > deadline) {
      const owner = await ownerOf(lockDir);
      throw new LockTimeoutError(
        `timed out waiting for the lock ${lockDir} held by process ${owner ?? "unknown"}; if no such process runs, delete that directory`,
        "lock-timeout",
        { lockDir, owner },
      );
    }
    await sleep(250);
  }
  try {
    await writeFile(join(lockDir, "owner"), String(process.pid));
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
