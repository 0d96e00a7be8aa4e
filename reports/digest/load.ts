// Feeds the digests from the histories a run wrote: the history files next to results.json, read
// as a stream, or events a caller already holds. A history that cannot be read costs its
// timeline and evidence, never the report.
import { createReadStream } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { CheckResult } from "../../harness/checker/anomalies.ts";
import { HistoryFileError } from "../../harness/history/errors.ts";
import { HistoryParser } from "../../harness/history/parser.ts";
import type { HistoryEvent } from "../../harness/history/types.ts";
import type { RunResult } from "../../harness/run/result.ts";
import { digestHistory, type HistoryDigest } from "./digest.ts";

/** The events of the history at `path` (as results.json names it, relative to the output directory). */
export type HistorySource = (path: string) => AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>;

/** Reads histories from files relative to `outDir`, one chunk of events at a time. */
export function historyFiles(outDir: string): HistorySource {
  return (path) => streamEvents(isAbsolute(path) ? path : join(outDir, path));
}

async function* streamEvents(path: string): AsyncGenerator<HistoryEvent> {
  const batch: HistoryEvent[] = [];
  const parser = new HistoryParser((event) => batch.push(event), path);
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      parser.push(chunk as string);
      yield* batch;
      batch.length = 0;
    }
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).syscall === "string") throw new HistoryFileError(path, "read", error);
    throw error;
  } finally {
    stream.destroy();
  }
  parser.end();
  yield* batch;
}

export interface ScenarioDigests {
  history?: HistoryDigest;
  /** Why the history could not be digested. */
  historyError?: string;
  /** The minimal failing run's history, when shrinking ran. */
  shrunk?: HistoryDigest;
  shrunkError?: string;
}

export interface RunDigestOptions {
  /** Operations drawn per timeline (default 2,000; up to twice as many are kept). */
  maxTimelineOps?: number;
  /** Anomalies shown per type; only their evidence is collected (default 10). */
  maxAnomaliesPerType?: number;
}

export const DEFAULT_MAX_ANOMALIES_PER_TYPE = 10;

/** Event indices cited by the anomalies a report shows. */
export function citedOps(check: CheckResult, maxPerType = DEFAULT_MAX_ANOMALIES_PER_TYPE): Set<number> {
  const cited = new Set<number>();
  for (const anomalies of Object.values(check.anomalies)) {
    for (const anomaly of (anomalies ?? []).slice(0, maxPerType)) {
      for (const op of anomaly.ops) cited.add(op);
      for (const step of anomaly.steps ?? []) {
        cited.add(step.from);
        cited.add(step.to);
      }
    }
  }
  return cited;
}

/** Digests each scenario's history (and its minimal failing history), keyed by scenario name. */
export async function digestRun(result: RunResult, source: HistorySource, options: RunDigestOptions = {}): Promise<Map<string, ScenarioDigests>> {
  const maxPerType = options.maxAnomaliesPerType ?? DEFAULT_MAX_ANOMALIES_PER_TYPE;
  const digests = new Map<string, ScenarioDigests>();
  for (const scenario of result.scenarios) {
    const entry: ScenarioDigests = {};
    if (scenario.status !== "skipped" && scenario.history) {
      const evidence = citedOps(scenario.check, maxPerType);
      await digestInto(entry, "history", scenario.history, source, { maxOps: options.maxTimelineOps, evidence });
    }
    if (scenario.shrunk?.history) {
      const evidence = citedOps(scenario.shrunk.check, maxPerType);
      await digestInto(entry, "shrunk", scenario.shrunk.history, source, { maxOps: options.maxTimelineOps, evidence });
    }
    digests.set(scenario.name, entry);
  }
  return digests;
}

async function digestInto(entry: ScenarioDigests, which: "history" | "shrunk", path: string, source: HistorySource, options: Parameters<typeof digestHistory>[1]): Promise<void> {
  try {
    entry[which] = await digestHistory(source(path), options);
  } catch (error) {
    entry[which === "history" ? "historyError" : "shrunkError"] = error instanceof Error ? error.message : String(error);
  }
}
