// `kconform report DIR`: renders a finished run's reports again from its results.json and
// histories (report.html, junit.xml, allure-results/) — after an upgrade, or on another machine —
// and with --allure turns allure-results/ into an Allure 3 HTML report.
// Exit codes: 0 rendered, 2 could not (no results.json, Allure not installed, allure failed).
import { join, resolve } from "node:path";
import { Command } from "commander";
import { renderAllureReport } from "../../reports/allure/render.ts";
import { readRunResult, renderReports } from "../../reports/write-reports.ts";

interface ReportFlags {
  allure: boolean;
  out?: string;
}

async function report(dir: string, flags: ReportFlags): Promise<void> {
  const runDir = resolve(dir);
  const result = await readRunResult(runDir);
  const written = await renderReports(runDir, result);
  process.stdout.write(`report: ${written.html}\njunit: ${written.junit}\nallure results: ${written.allure}\n`);
  if (!flags.allure) return;
  const allureDir = resolve(flags.out ?? join(runDir, "allure-report"));
  await renderAllureReport(written.allure, allureDir, { reportName: `kconform · ${result.target.kind} · seed ${result.seed}` });
  process.stdout.write(`allure report: ${join(allureDir, "index.html")}\n`);
}

export function reportCommand(): Command {
  return new Command("report")
    .description("render a run's reports again from DIR/results.json; with --allure, also the Allure 3 HTML report")
    .argument("<dir>", "output directory of a kconform run (the one holding results.json)")
    .option("--allure", 'render allure-results/ with Allure 3 (needs the npm package "allure" installed next to kconform)', false)
    .option("--out <dir>", "where the Allure report goes (default DIR/allure-report)")
    .addHelpText(
      "after",
      `
Exit codes:
  0  the reports were rendered
  2  they could not be: DIR has no readable results.json of this kconform's format, the "allure"
     package is not installed (the message says what to install), or allure generate failed`,
    )
    .action(report);
}
