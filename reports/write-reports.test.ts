// writeReports: one call leaves results.json, report.html, junit.xml and allure-results/ in the
// output directory, built from the history files results.json names; a second run replaces them.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { xmlProblem } from "./junit/xml-well-formed.ts";
import { fixtureRun, writeFixtureHistories } from "./test-fixtures.ts";
import { writeReports } from "./write-reports.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-reports-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("writeReports", () => {
  it("writes every report from results and the history files, leaving nothing temporary", async () => {
    const fixture = fixtureRun();
    writeFixtureHistories(dir, fixture);
    const paths = await writeReports(dir, fixture.result);
    expect(paths).toEqual({ results: join(dir, "results.json"), html: join(dir, "report.html"), junit: join(dir, "junit.xml"), allure: join(dir, "allure-results") });
    expect(JSON.parse(readFileSync(paths.results, "utf8"))).toEqual(fixture.result);
    const page = readFileSync(paths.html, "utf8");
    expect(page).toContain("<h1>Failed</h1>");
    expect(page.match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
    expect(page).not.toContain("could not be drawn");
    expect(xmlProblem(readFileSync(paths.junit, "utf8"))).toBeUndefined();
    const allure = readdirSync(paths.allure);
    expect(allure.filter((f) => f.endsWith("-result.json"))).toHaveLength(6);
    expect(allure.filter((f) => f.endsWith("-attachment.jsonl"))).toHaveLength(3);
    expect(allure).toContain("environment.properties");
    expect(readdirSync(dir).sort()).toEqual(["allure-results", "histories", "junit.xml", "report.html", "results.json"]);
  });

  it("replaces the reports of an earlier run", async () => {
    const fixture = fixtureRun();
    writeFixtureHistories(dir, fixture);
    await writeReports(dir, fixture.result);
    const firstResults = readdirSync(join(dir, "allure-results")).filter((f) => f.endsWith("-result.json"));
    fixture.result.status = "passed";
    fixture.result.exitCode = 0;
    await writeReports(dir, fixture.result);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<h1>Passed</h1>");
    const secondResults = readdirSync(join(dir, "allure-results")).filter((f) => f.endsWith("-result.json"));
    expect(secondResults).toHaveLength(6);
    for (const name of firstResults) expect(existsSync(join(dir, "allure-results", name))).toBe(false);
  });

  it("takes histories from a given source instead of files", async () => {
    const fixture = fixtureRun();
    await writeReports(dir, fixture.result, { histories: (path) => fixture.histories.get(path) ?? [] });
    expect(readFileSync(join(dir, "report.html"), "utf8").match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
  });
});
