// How a check's verdict leaves the process: an anomaly the run does not allow is exit code 1, an
// undecided verdict exit code 2 (see `kconform check --help` for why), a valid history 0.
import { CouldNotRunError, KconformError } from "../errors.ts";
import type { CheckResult } from "./anomalies.ts";

/** The history shows anomalies the run does not allow. */
export class AnomalyFoundError extends KconformError {
  constructor(source: string, readonly anomalyTypes: readonly string[]) {
    super(`${source}: anomalies found: ${anomalyTypes.join(", ")}`, "anomaly-found", { source, anomalyTypes });
  }
}

/** The checker could not decide: the history proves no anomaly, but it does not prove validity. */
export class UndecidedError extends CouldNotRunError {
  constructor(source: string, readonly reasons: readonly string[]) {
    super(`${source}: verdict unknown: ${reasons.join("; ")}`, "verdict-unknown", { source, reasons });
  }
}

/** The error a result maps to at the command line's edge; undefined when the history is valid. */
export function verdictError(result: CheckResult, source: string): KconformError | undefined {
  if (result.valid === true) return undefined;
  if (result.valid === false) {
    const allowed = new Set(result.allowed);
    return new AnomalyFoundError(source, result["anomaly-types"].filter((type) => !allowed.has(type)));
  }
  return new UndecidedError(source, result["unknown-reasons"]);
}
