// Writes a run's Allure results into a directory: `<uuid>-result.json` per test, attachments,
// environment.properties and executor.json — the layout allure-js-commons' file writer produces.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { isAbsolute, join } from "node:path";
import type { RunResult } from "../../harness/run/result.ts";
import type { ScenarioDigests } from "../digest/load.ts";
import { allureRun, type AllureOptions } from "./results.ts";

/** Java properties escaping (ISO 8859-1 with \u escapes), as allure's environment file expects. */
export function propertiesText(entries: Record<string, string>): string {
  const escape = (text: string, key: boolean) =>
    text.replace(/[\\\n\r\t\f=:#! ]|[^\x20-\x7e]/g, (c, offset: number) => {
      if (c === "\\") return "\\\\";
      if (c === "\n") return "\\n";
      if (c === "\r") return "\\r";
      if (c === "\t") return "\\t";
      if (c === "\f") return "\\f";
      if (c === " ") return key || offset === 0 ? "\\ " : " ";
      if ("=:#!".includes(c)) return `\\${c}`;
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    });
  return Object.entries(entries).map(([k, v]) => `${escape(k, true)}=${escape(v, false)}\n`).join("");
}

export interface WriteAllureOptions extends Partial<AllureOptions> {
  /** Where the histories named in results.json are (the run's output directory). */
  outDir: string;
}

/** Writes the allure-results of `result` into `dir` (created if needed). A missing history is skipped. */
export async function writeAllureResults(dir: string, result: RunResult, digests: Map<string, ScenarioDigests>, options: WriteAllureOptions): Promise<void> {
  const run = allureRun(result, digests, { uuid: options.uuid ?? randomUUID });
  await mkdir(dir, { recursive: true });
  for (const test of run.tests) await writeFile(join(dir, `${test.uuid}-result.json`), JSON.stringify(test));
  for (const file of run.files) {
    if ("content" in file) {
      await writeFile(join(dir, file.name), file.content);
    } else {
      const from = isAbsolute(file.copyFrom) ? file.copyFrom : join(options.outDir, file.copyFrom);
      // The history's absence is already visible in the HTML report; an attachment less is no reason to fail.
      await copyFile(from, join(dir, file.name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
  }
  await writeFile(join(dir, "environment.properties"), propertiesText(run.environment));
  await writeFile(join(dir, "executor.json"), JSON.stringify(run.executor));
}
