// allure-results as allure-js-commons writes them: one result per spec and scenario with the
// fields Allure reads, faults as timed steps, attachments on disk, environment and executor files;
// and rendering only through an installed `allure` package.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestRun } from "../digest/load.ts";
import { fixtureRun, writeFixtureHistories } from "../test-fixtures.ts";
import type { AllureStep, AllureTestResult } from "./model.ts";
import { AllureGenerateError, AllureNotInstalledError, renderAllureReport } from "./render.ts";
import { allureRun } from "./results.ts";
import { propertiesText, writeAllureResults } from "./write.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-allure-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function counter(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
}

async function written(): Promise<{ tests: AllureTestResult[]; files: string[]; results: string }> {
  const fixture = fixtureRun();
  writeFixtureHistories(dir, fixture);
  const results = join(dir, "allure-results");
  const digests = await digestRun(fixture.result, (p) => fixture.histories.get(p) ?? []);
  await writeAllureResults(results, fixture.result, digests, { outDir: dir, uuid: counter() });
  const files = readdirSync(results).sort();
  const tests = files.filter((f) => f.endsWith("-result.json")).map((f) => JSON.parse(readFileSync(join(results, f), "utf8")) as AllureTestResult);
  return { tests, files, results };
}

describe("allure results", () => {
  it("writes one result per spec and scenario with the fields Allure requires", async () => {
    const { tests } = await written();
    expect(tests.map((t) => [t.fullName, t.status])).toEqual([
      ["kconform.specs.ordering-within-partition", "passed"],
      ["kconform.specs.offsets-strictly-increasing", "failed"],
      ["kconform.specs.retention-by-bytes", "skipped"],
      ["kconform.scenarios.leader-kill-acks-all", "passed"],
      [`kconform.scenarios.${fixtureRun().result.scenarios[1].name}`, "failed"],
      ["kconform.scenarios.broker-partition-halves", "skipped"],
    ]);
    for (const t of tests) {
      expect(t.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.historyId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.stage).toBe("finished");
      expect(t.stop).toBeGreaterThanOrEqual(t.start);
      expect(t.start).toBeGreaterThanOrEqual(Date.parse("2025-11-24T10:00:00.000Z"));
      expect(Array.isArray(t.steps) && Array.isArray(t.attachments) && Array.isArray(t.parameters) && Array.isArray(t.links)).toBe(true);
      expect(t.labels.find((l) => l.name === "suite")?.value).toBe(t.fullName.split(".")[1]);
      expect(t.labels.some((l) => l.name === "feature" && l.value.length > 0)).toBe(true);
      expect(t.labels).toContainEqual({ name: "tag", value: "reference" });
    }
    expect(new Set(tests.map((t) => t.historyId)).size).toBe(tests.length);
  });

  it("carries the anomaly sentences, the configuration and the reason of a skip", async () => {
    const { tests } = await written();
    const lossy = tests[4];
    const lossyResult = fixtureRun().result.scenarios[1];
    expect(lossy.statusDetails.message).toBe(lossyResult.check.anomalies["lost-write"]![0].explanation);
    expect(lossy.statusDetails.trace).toContain("[unseen] No poll ever returned 2 acknowledged sends");
    expect(lossy.parameters).toContainEqual({ name: "acks", value: "1" });
    expect(lossy.parameters).toContainEqual({ name: "unclean.leader.election.enable", value: "true" });
    expect(lossy.parameters).toContainEqual({ name: "seed", value: "424242", excluded: true });
    expect(tests[5].statusDetails.message).toContain("network namespaces need CAP_NET_ADMIN");
    expect(tests[0].statusDetails).toEqual({});
  });

  it("makes each fault a timed step with its parameters, and the check and shrinking steps", async () => {
    const { tests } = await written();
    const lossy = tests[4];
    const faults = lossy.steps.filter((s) => s.name.startsWith("fault: "));
    expect(faults.map((s) => s.name)).toEqual(["fault: kill leader on node 2", "fault: client blackhole on proxy-0", expect.stringMatching(/^fault: isolate leader on node 1, <script>/)]);
    expect(faults[0].stop - faults[0].start).toBe(2_000);
    expect(faults[0].start - lossy.start).toBe(3_000);
    expect(faults[0].parameters).toContainEqual({ name: "signal", value: "SIGKILL" });
    expect(faults[2].parameters).toContainEqual({ name: "healed", value: "never" });
    const check = lossy.steps.find((s) => s.name.startsWith("check: ")) as AllureStep;
    expect(check.status).toBe("failed");
    expect(check.steps.map((s) => [s.name, s.status])).toEqual([
      ["lost-write ×2 (not allowed)", "failed"],
      ["unseen ×1 (not allowed)", "failed"],
      ["duplicate ×1 (allowed)", "passed"],
    ]);
    const shrink = lossy.steps.find((s) => s.name.startsWith("shrink: ")) as AllureStep;
    expect(shrink.name).toBe("shrink: 14 runs, 3 → 1 faults");
    expect(shrink.parameters).toEqual([{ name: "fault 1", value: 'kill on leader(t-0) at 3000 ms for 2000 ms {"signal":"SIGKILL"}' }]);
  });

  it("writes the history, timeline and charts as attachment files", async () => {
    const { tests, files, results } = await written();
    const lossy = tests[4];
    expect(lossy.attachments.map((a) => [a.name, a.type])).toEqual([
      ["history.jsonl", "text/plain"],
      ["timeline.svg", "image/svg+xml"],
      ["latency.svg", "image/svg+xml"],
      ["throughput.svg", "image/svg+xml"],
    ]);
    const attachments = [...tests.flatMap((t) => t.attachments), ...tests.flatMap((t) => t.steps.flatMap((s) => s.attachments))];
    for (const a of attachments) {
      expect(a.source).toMatch(/^[0-9a-f-]{36}-attachment\.(jsonl|svg)$/);
      expect(files).toContain(a.source);
    }
    expect(readFileSync(join(results, lossy.attachments[0].source), "utf8").split("\n", 1)[0]).toContain('"kconform-history":1');
    expect(readFileSync(join(results, lossy.attachments[1].source), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(files).toContain("environment.properties");
    expect(JSON.parse(readFileSync(join(results, "executor.json"), "utf8"))).toEqual({
      name: "kconform",
      type: "kconform",
      buildName: "kconform run 2025-11-24T10-00-00Z-seed-424242",
      reportName: "kconform · reference · seed 424242",
    });
  });

  it("starts each spec and scenario at its startedAt, and lays out those without one after the one before", async () => {
    const fixture = fixtureRun();
    const at = (iso: string) => Date.parse(iso);
    fixture.result.specs[0].startedAt = "2025-11-24T10:05:00.000Z";
    fixture.result.scenarios[0].startedAt = "2025-11-24T10:20:00.000Z";
    const run = allureRun(fixture.result, new Map(), { uuid: counter() });
    const start = new Map(run.tests.map((t) => [t.fullName, t.start]));
    expect(start.get("kconform.specs.ordering-within-partition")).toBe(at("2025-11-24T10:05:00.000Z"));
    expect(start.get("kconform.specs.offsets-strictly-increasing")).toBe(at("2025-11-24T10:05:00.000Z") + fixture.result.specs[0].durationMs);
    expect(start.get("kconform.scenarios.leader-kill-acks-all")).toBe(at("2025-11-24T10:20:00.000Z"));
  });

  it("skips a history attachment whose file is gone", async () => {
    const fixture = fixtureRun();
    const run = allureRun(fixture.result, new Map(), { uuid: counter() });
    await writeAllureResults(join(dir, "out"), fixture.result, new Map(), { outDir: join(dir, "nowhere"), uuid: counter() });
    const copies = run.files.filter((f) => "copyFrom" in f);
    expect(copies.length).toBe(3);
    for (const f of copies) expect(existsSync(join(dir, "out", f.name))).toBe(false);
  });
});

describe("propertiesText", () => {
  it("escapes keys, separators, line breaks and non-ASCII as Java properties do", () => {
    expect(propertiesText({ "config.log dir": "C:\\tmp=x", note: " a:b#c\nnext é" })).toBe("config.log\\ dir=C\\:\\\\tmp\\=x\nnote=\\ a\\:b\\#c\\nnext \\u00e9\n");
  });
});

describe("renderAllureReport", () => {
  it("names the package to install when allure is absent", async () => {
    const error = await renderAllureReport(join(dir, "allure-results"), join(dir, "report"), { packageRoot: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllureNotInstalledError);
    expect((error as AllureNotInstalledError).message).toContain('npm package "allure"');
    expect((error as AllureNotInstalledError).context).toEqual({ package: "allure", packageRoot: dir });
  });

  function fakeAllure(script: string): void {
    writeFileSync(join(dir, "package.json"), '{"name":"fake-root","version":"1.0.0"}');
    mkdirSync(join(dir, "node_modules", "allure"), { recursive: true });
    mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "allure", "package.json"), '{"name":"allure","version":"3.0.0","bin":{"allure":"cli.js"}}');
    writeFileSync(join(dir, "node_modules", "allure", "cli.js"), `#!/usr/bin/env node\n${script}\n`);
    chmodSync(join(dir, "node_modules", "allure", "cli.js"), 0o755);
    symlinkSync("../allure/cli.js", join(dir, "node_modules", ".bin", "allure"));
  }

  it("runs allure generate on the results into the output directory", async () => {
    fakeAllure('require("fs").writeFileSync("args.json", JSON.stringify(process.argv.slice(2)));');
    await renderAllureReport(join(dir, "allure-results"), join(dir, "report"), { packageRoot: dir });
    expect(JSON.parse(readFileSync(join(dir, "args.json"), "utf8"))).toEqual(["generate", join(dir, "allure-results"), "--output", join(dir, "report")]);
  });

  it("passes the report's name on when given one", async () => {
    fakeAllure('require("fs").writeFileSync("args.json", JSON.stringify(process.argv.slice(2)));');
    await renderAllureReport(join(dir, "allure-results"), join(dir, "report"), { packageRoot: dir, reportName: "kconform · kafka · seed 7" });
    expect(JSON.parse(readFileSync(join(dir, "args.json"), "utf8")).slice(-2)).toEqual(["--report-name", "kconform · kafka · seed 7"]);
  });

  it("reports a failing allure generate with its output", async () => {
    fakeAllure('process.stderr.write("no results found\\n"); process.exit(3);');
    const error = await renderAllureReport(join(dir, "r"), join(dir, "o"), { packageRoot: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllureGenerateError);
    // npm may print its own warnings first; the tool's last words close the message.
    expect((error as Error).message).toMatch(/^allure generate failed \(exit 3\): [\s\S]*no results found$/);
  });
});
