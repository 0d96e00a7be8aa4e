// Writes every report of a run into its output directory in one call: results.json, report.html,
// junit.xml and allure-results/. The histories are read once, for all of them; each file (and the
// Allure directory) is replaced atomically, so a crash never leaves half a report.
import { join } from "node:path";
import type { RunResult } from "../harness/run/result.ts";
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
  const paths: WrittenReports = {
    results: join(outDir, "results.json"),
    html: join(outDir, "report.html"),
    junit: join(outDir, "junit.xml"),
    allure: join(outDir, "allure-results"),
  };
  // results.json first: every other report can be rebuilt from it if what follows fails.
  await writeFileAtomic(paths.results, `${JSON.stringify(result, null, 2)}\n`);
  const digests = await digestRun(result, options.histories ?? historyFiles(outDir), options);
  await writeFileAtomic(paths.junit, renderJunitXml(result));
  await replaceDirAtomic(paths.allure, (dir) => writeAllureResults(dir, result, digests, { outDir, ...(options.uuid && { uuid: options.uuid }) }));
  await writeFileAtomic(paths.html, htmlReport(result, digests, options));
  return paths;
}
