// Writes that never leave half a report behind: a file is written beside its destination, flushed
// and renamed over it; a directory is filled beside its destination and swapped in.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { KconformError } from "../harness/errors.ts";

/** A report file or directory could not be written; the previous one, if any, is untouched. */
export class ReportWriteError extends KconformError {
  constructor(path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`cannot write report ${path}: ${why}`, "report-write", { path }, { cause });
  }
}

function sibling(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** Replaces `path` with `data` atomically (same directory, flushed before the rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = sibling(path, "tmp");
  try {
    await mkdir(dirname(path), { recursive: true });
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new ReportWriteError(path, error);
  }
}

/**
 * Builds a directory with `fill` (given a fresh empty directory) and swaps it in for `path`. If
 * `fill` fails, the old directory stays; readers see either the old or the new one complete.
 */
export async function replaceDirAtomic(path: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const tmp = sibling(path, "tmp");
  const old = sibling(path, "old");
  try {
    await mkdir(tmp, { recursive: true });
    await fill(tmp);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) await rename(path, old);
    try {
      await rename(tmp, path);
    } catch (error) {
      if (exists) await rename(old, path);
      throw error;
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error instanceof ReportWriteError ? error : new ReportWriteError(path, error);
  }
  await rm(old, { recursive: true, force: true });
}
