// Writes every report of a run into its output directory in one call: results.json, report.html,
// junit.xml and allure-results/; and renders them again later from results.json alone. The
// histories are read once, for all of them; each file (and the Allure directory) is replaced
// atomically, so a crash never leaves half a report.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CouldNotRunError } from "../harness/errors.ts";
import { RUN_RESULT_VERSION, type RunResult } from "../harness/run/result.ts";
import { writeAllureResults } from "./allure/write.ts";
import { replaceDirAtomic, writeFileAtomic } from "./atomic.ts";
import { digestRun, historyFiles, type HistorySource, type RunDigestOptions } from "./digest/load.ts";
import { htmlReport, type HtmlReportOptions } from "./html/report.ts";
import { renderJunitXml } from "./junit/junit.ts";

export interface WrittenReports {
  results: string;
  html: string;
  junit: string;
  allure: string;
}

export interface WriteReportsOptions extends HtmlReportOptions, RunDigestOptions {
  /** Where the histories come from; by default the files results.json names, under `outDir`. */
  histories?: HistorySource;
  /** Allure uuids; random by default. */
  uuid?: () => string;
}

export async function writeReports(outDir: string, result: RunResult, options: WriteReportsOptions = {}): Promise<WrittenReports> {
  // results.json first: every other report can be rebuilt from it if what follows fails.
  await writeFileAtomic(join(outDir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  return renderReports(outDir, result, options);
}

/** report.html, junit.xml and allure-results/ from a run's result and its histories; results.json stays as it is. */
export async function renderReports(outDir: string, result: RunResult, options: WriteReportsOptions = {}): Promise<WrittenReports> {
  const paths: WrittenReports = {
    results: join(outDir, "results.json"),
    html: join(outDir, "report.html"),
    junit: join(outDir, "junit.xml"),
    allure: join(outDir, "allure-results"),
  };
  const digests = await digestRun(result, options.histories ?? historyFiles(outDir), options);
  await writeFileAtomic(paths.junit, renderJunitXml(result));
  await replaceDirAtomic(paths.allure, (dir) => writeAllureResults(dir, result, digests, { outDir, ...(options.uuid && { uuid: options.uuid }) }));
  await writeFileAtomic(paths.html, htmlReport(result, digests, options));
  return paths;
}

/** results.json is missing, unreadable, or not a kconform run of a format this version reads. */
export class RunResultError extends CouldNotRunError {}

/** Reads the results.json of a run's output directory. */
export async function readRunResult(outDir: string): Promise<RunResult> {
  const path = join(outDir, "results.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new RunResultError(`cannot read ${path}: ${(error as Error).message}; give the output directory of a kconform run`, "results-unreadable", { path }, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RunResultError(`${path} is not JSON: ${(error as Error).message}`, "results-not-json", { path }, { cause: error });
  }
  const version = (parsed as { "kconform-run"?: unknown } | null)?.["kconform-run"];
  if (version !== RUN_RESULT_VERSION) {
    throw new RunResultError(`${path} is not a kconform run result of format ${RUN_RESULT_VERSION} (its "kconform-run" is ${JSON.stringify(version)})`, "results-wrong-format", { path, version });
  }
  return parsed as RunResult;
}
