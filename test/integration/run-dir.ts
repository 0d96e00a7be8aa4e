// A run directory for an integration suite: made when the suite starts, removed at its end unless
// a test failed, so histories and broker logs of a failure stay for whoever investigates.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

export interface RunDir {
  /** Makes a fresh directory under the system's temp dir (each call another one). */
  create(): string;
  /** Removes every directory made, or names them when a test of the suite failed. */
  cleanUp(): void;
}

/** Call inside a describe block: it watches that block's tests for failures. */
export function keepRunDirOnFailure(prefix: string): RunDir {
  const dirs: string[] = [];
  let failed = false;
  afterEach(({ task }) => {
    if (task.result?.state === "fail") failed = true;
  });
  return {
    create() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanUp() {
      for (const dir of dirs.splice(0)) {
        if (failed) console.error(`run kept in ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
