// The bundle cache: a fresh bundle is reused, any edit to a source it was built from rebuilds it (so
// a checkout edit never runs stale code), and a source that does not compile falls back to tsx.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureBundle, nodeArgsFor } from "./bundle-cache.ts";
import { entryBuildDir } from "./bundle-manifest.js";

let dir: string;
let buildDir: string;
let entry: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kconform-bundle-"));
  buildDir = join(dir, "build");
  entry = join(dir, "main.ts");
  await writeFile(entry, 'import { word } from "./word.ts";\nconst from: string = import.meta.url;\nconsole.log(`${word} ${from}`);\n');
  await writeFile(join(dir, "word.ts"), 'export const word: string = "one";\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bundleOf(): Promise<{ file: string; rebuiltBecause?: string }> {
  const outcome = await ensureBundle(entry, { buildDir });
  if (outcome.kind !== "bundle") throw new Error(`expected a bundle, got: ${outcome.reason}`);
  return outcome;
}

function run(file: string): string {
  return execFileSync(process.execPath, [file], { encoding: "utf8" }).trim();
}

describe("ensureBundle", () => {
  it("builds once, then reuses the bundle while no source changed", async () => {
    const first = await bundleOf();
    expect(first.rebuiltBecause).toMatch(/no readable manifest/);
    expect(run(first.file)).toBe(`one ${pathToFileURL(entry).href}`);
    const second = await bundleOf();
    expect(second).toEqual({ kind: "bundle", file: first.file });
  });

  it("rebuilds when an imported source changes, even to contents of the same length", async () => {
    const first = await bundleOf();
    await writeFile(join(dir, "word.ts"), 'export const word: string = "two";\n');
    const second = await bundleOf();
    expect(second.rebuiltBecause).toBe(`${join(dir, "word.ts")} changed since the bundle was built`);
    expect(second.file).not.toBe(first.file);
    expect(run(second.file)).toMatch(/^two /);
  });

  it("keeps only the newest bundle and the one before it", async () => {
    const files: string[] = [];
    for (const word of ["two", "three", "four"]) {
      await writeFile(join(dir, "word.ts"), `export const word: string = "${word}";\n`);
      files.push((await bundleOf()).file);
    }
    expect(files.map((file) => existsSync(file))).toEqual([false, true, true]);
    const left = await readdir(entryBuildDir(entry, buildDir));
    expect(left.sort()).toEqual([...files.slice(1).map((file) => dirname(file).split("/").pop()), "manifest.json"].sort());
  });

  it("shares one build between concurrent callers", async () => {
    const outcomes = await Promise.all([ensureBundle(entry, { buildDir }), ensureBundle(entry, { buildDir })]);
    expect(outcomes[1]).toBe(outcomes[0]);
  });

  it("reports why when the sources do not compile, and node then runs them through tsx", async () => {
    await writeFile(join(dir, "word.ts"), "export const word: string = ;\n");
    const outcome = await ensureBundle(entry, { buildDir });
    expect(outcome).toMatchObject({ kind: "source", reason: expect.stringContaining(`could not bundle ${entry}`) });
    expect(await nodeArgsFor(entry, { buildDir })).toEqual(["--import", "tsx", entry]);
  });

  it("has node run the bundle once it is built", async () => {
    const { file } = await bundleOf();
    expect(await nodeArgsFor(entry, { buildDir })).toEqual([file]);
  });

  it("writes a source map beside the bundle, so --enable-source-maps names the TypeScript files", async () => {
    await writeFile(join(dir, "word.ts"), 'export const word: string = (() => { throw new Error("from word.ts"); })();\n');
    const { file } = await bundleOf();
    const run = spawnSync(process.execPath, ["--enable-source-maps", file], { encoding: "utf8" });
    expect(run.stderr).toContain(`${join(dir, "word.ts")}:1:`);
  });
});
