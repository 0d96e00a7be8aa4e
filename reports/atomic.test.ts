// Atomic writes: the destination holds the old content or the new, never a part, and nothing
// temporary is left behind, also when the writing fails.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replaceDirAtomic, ReportWriteError, writeFileAtomic } from "./atomic.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-atomic-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("creates parent directories and replaces an existing file, leaving no temporary file", async () => {
    const path = join(dir, "a", "report.html");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, new TextEncoder().encode("second"));
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(join(dir, "a"))).toEqual(["report.html"]);
  });

  it("fails with a typed error naming the path, and keeps the old file", async () => {
    const path = join(dir, "report.html");
    writeFileSync(path, "old");
    mkdirSync(join(dir, "blocked"));
    writeFileSync(join(dir, "blocked", "x"), "");
    const error = await writeFileAtomic(join(dir, "blocked"), "new").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as ReportWriteError).context).toEqual({ path: join(dir, "blocked") });
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["blocked", "report.html"]);
  });
});

describe("replaceDirAtomic", () => {
  it("swaps a freshly filled directory in for the old one", async () => {
    const target = join(dir, "allure-results");
    mkdirSync(target);
    writeFileSync(join(target, "stale-result.json"), "{}");
    await replaceDirAtomic(target, async (tmp) => {
      expect(readdirSync(tmp)).toEqual([]);
      await writeFile(join(tmp, "fresh-result.json"), "{}");
    });
    expect(readdirSync(target)).toEqual(["fresh-result.json"]);
    expect(readdirSync(dir)).toEqual(["allure-results"]);
  });

  it("keeps the old directory when filling fails, and cleans up", async () => {
    const target = join(dir, "allure-results");
    mkdirSync(target);
    writeFileSync(join(target, "old-result.json"), "{}");
    const error = await replaceDirAtomic(target, async (tmp) => {
      await writeFile(join(tmp, "half"), "");
      throw new Error("disk full");
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as Error).message).toBe(`cannot write report ${target}: disk full`);
    expect(readdirSync(target)).toEqual(["old-result.json"]);
    expect(readdirSync(dir)).toEqual(["allure-results"]);
  });
});
