// `kconform run` at the command line, without starting any broker: complete help, the scenario
// list, and clear refusals (exit 2) for what cannot run — an unknown scenario, an external target
// without an address or with dedicated controllers, a cluster size or spec concurrency out of range.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../scenarios/index.ts";

const BIN = fileURLToPath(new URL("../../bin/kconform.js", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "kconform-run-cli-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function kconform(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("kconform run", () => {
  it("documents every flag and the exit codes", () => {
    const { code, stdout } = kconform("run", "--help");
    expect(code).toBe(0);
    for (const flag of ["--target", "--bootstrap", "--spec", "--no-specs", "--list-specs", "--scenario", "--matrix", "--seed", "--time-limit", "--shrink-time", "--out", "--nodes", "--controllers", "--spec-concurrency"]) expect(stdout).toContain(flag);
    expect(stdout).toMatch(/0 +every spec and every scenario's checks passed/);
    expect(stdout).toMatch(/1 +a spec's property failed, or an anomaly/);
    expect(stdout).toMatch(/2 +the run could not happen/);
  });

  it("lists the scenarios", () => {
    const { code, stdout } = kconform("run", "--list-scenarios");
    expect(code).toBe(0);
    for (const scenario of SCENARIOS) expect(stdout).toContain(scenario.name);
  });

  it("refuses an unknown scenario, naming the known ones", () => {
    const { code, stderr } = kconform("run", "--scenario", "no-such-thing", "--out", join(out, "a"));
    expect(code).toBe(2);
    expect(stderr).toContain("no scenario named no-such-thing");
    expect(stderr).toContain("safe-leader-kill");
  });

  it("refuses an external target without a bootstrap address", () => {
    const { code, stderr } = kconform("run", "--target", "external", "--out", join(out, "b"));
    expect(code).toBe(2);
    expect(stderr).toContain("--bootstrap");
  });

  it("refuses a cluster size it cannot start, before starting anything", () => {
    const { code, stderr } = kconform("run", "--target", "reference", "--nodes", "0", "--out", join(out, "c"));
    expect(code).toBe(2);
    expect(stderr).toContain("--nodes must be an integer in 1..9");
  });

  it("refuses dedicated controllers for an external cluster, and a spec concurrency below 1", () => {
    const external = kconform("run", "--target", "external", "--bootstrap", "127.0.0.1:9", "--controllers", "3", "--out", join(out, "d"));
    expect(external.code).toBe(2);
    expect(external.stderr).toContain("--controllers shapes a cluster kconform starts");
    const lanes = kconform("run", "--spec-concurrency", "0", "--out", join(out, "e"));
    expect(lanes.code).toBe(2);
    expect(lanes.stderr).toContain("--spec-concurrency must be an integer in 1..32");
  });
});
