// Renders allure-results into an Allure 3 HTML report by running the `allure` package's CLI, when
// that package is installed; kconform does not depend on it, so otherwise it says what to install.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CouldNotRunError } from "../../harness/errors.ts";

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The optional `allure` package (Allure 3, pure JavaScript) is not installed. */
export class AllureNotInstalledError extends CouldNotRunError {
  constructor(packageRoot: string) {
    super(
      `rendering the Allure report needs the npm package "allure" (Allure 3), which is not installed in ${packageRoot}: run \`npm install --save-dev allure\` there, or open allure-results with any Allure 2 or 3 installation`,
      "allure-not-installed",
      { package: "allure", packageRoot },
    );
  }
}

/** `allure generate` ran and failed. */
export class AllureGenerateError extends CouldNotRunError {
  constructor(command: string[], exitCode: number | null, stderr: string) {
    super(`allure generate failed (exit ${exitCode}): ${stderr.trim().split("\n").slice(-5).join("\n") || "no output"}`, "allure-generate", { command, exitCode });
  }
}

export interface RenderAllureOptions {
  /** Where node_modules/allure is looked for, and the command runs; kconform's own root by default. */
  packageRoot?: string;
  /** The title Allure shows; its own "Allure Report" when absent. */
  reportName?: string;
}

/** Runs `npx --no-install allure generate RESULTS --output OUT [--report-name NAME]` (Allure 3) and waits for it. */
export async function renderAllureReport(resultsDir: string, outDir: string, options: RenderAllureOptions = {}): Promise<void> {
  const root = options.packageRoot ?? PACKAGE_ROOT;
  if (!existsSync(join(root, "node_modules", "allure"))) throw new AllureNotInstalledError(root);
  const args = ["--no-install", "allure", "generate", resolve(resultsDir), "--output", resolve(outDir), ...(options.reportName !== undefined ? ["--report-name", options.reportName] : [])];
  const child = spawn("npx", args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  if (exitCode !== 0) throw new AllureGenerateError(["npx", ...args], exitCode, stderr);
}
