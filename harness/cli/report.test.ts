// `kconform report DIR` as a user runs it: the reports rendered again from results.json and the
// histories beside it, exit 0; no results.json, or one of another format, is exit 2 with the reason.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixtureRun, writeFixtureHistories } from "../../reports/test-fixtures.ts";

const BIN = resolve(import.meta.dirname, "../../bin/kconform.js");

function kconform(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-report-cli-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("kconform report", () => {
  it("renders report.html, junit.xml and allure-results from results.json and the histories", { timeout: 60_000 }, async () => {
    const fixture = fixtureRun();
    writeFixtureHistories(dir, fixture);
    writeFileSync(join(dir, "results.json"), JSON.stringify(fixture.result));
    const outcome = await kconform("report", dir);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`report: ${join(dir, "report.html")}`);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain('id="matrix"');
    expect(existsSync(join(dir, "junit.xml"))).toBe(true);
    expect(existsSync(join(dir, "allure-results", "environment.properties"))).toBe(true);
  });

  it("exits 2 naming the problem when the directory holds no kconform results", { timeout: 60_000 }, async () => {
    const missing = await kconform("report", join(dir, "nowhere"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*results\.json.*give the output directory of a kconform run/);
    writeFileSync(join(dir, "results.json"), JSON.stringify({ "kconform-run": 99 }));
    const wrong = await kconform("report", dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not a kconform run result of format 1 (its "kconform-run" is 99)');
  });
});
