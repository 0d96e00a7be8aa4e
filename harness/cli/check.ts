// `kconform check HISTORY.jsonl`: judges a recorded history with the anomaly catalogue and prints
// the result as JSON; the exit code is the verdict (0 valid, 1 anomaly found, 2 undecided or
// could not read the history).
import { Command, Option } from "commander";
import { CouldNotRunError } from "../errors.ts";
import { ANOMALY_TYPES, isAnomalyType } from "../checker/anomalies.ts";
import { ALLOWED_WHEN_SUBSCRIBED, ALWAYS_ALLOWED, HistoryCheck } from "../checker/catalogue.ts";
import { verdictError } from "../checker/errors.ts";
import { streamHistoryFile } from "../history/reader.ts";

const EXIT_CODES = `
Exit codes:
  0  valid: no anomaly beyond the allowed ones
  1  an anomaly the run does not allow was found (the JSON names it, with evidence)
  2  could not decide: the history is unreadable or malformed (the message names the line), or
     the verdict is "unknown" (a truncated history, an analysis that failed, nothing succeeded).
     Jepsen counts unknown as not valid, so a CI gate must not pass it; it is no proof of an
     anomaly either, so it shares the code of "could not run" rather than "anomaly found".

Always allowed (Jepsen's defaults): ${ALWAYS_ALLOWED.join(", ")}; also ${ALLOWED_WHEN_SUBSCRIBED.join(", ")}
when consumers subscribe. The history header's "allowed" list and --allow add to them.
Anomaly types: ${ANOMALY_TYPES.join(", ")}.`;

interface CheckFlags {
  allow: string[];
}

async function run(path: string, flags: CheckFlags): Promise<void> {
  for (const name of flags.allow) {
    if (!isAnomalyType(name)) {
      throw new CouldNotRunError(`--allow ${name}: no such anomaly type (known: ${ANOMALY_TYPES.join(", ")})`, "unknown-anomaly-type", { name });
    }
  }
  const check = new HistoryCheck({ allowed: flags.allow });
  const summary = await streamHistoryFile(path, (event) => check.add(event));
  if (summary.truncatedLastLine) {
    check.doubt(`line ${summary.truncatedLastLine.line} is cut short: the writer stopped mid-line, so the run may be incomplete`);
  }
  const result = check.finish(summary.header);
  await new Promise<void>((resolve, reject) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, (error) => (error ? reject(error) : resolve())));
  const verdict = verdictError(result, path);
  if (verdict) throw verdict;
}

export function checkCommand(): Command {
  return new Command("check")
    .description("check a recorded history (JSON Lines) for anomalies; prints the result as JSON")
    .argument("<history>", "history file, e.g. runs/<run>/history.jsonl")
    .addOption(new Option("--allow <anomaly...>", "anomaly types this run accepts, on top of the defaults").default([]))
    .addHelpText("after", EXIT_CODES)
    .action(run);
}
