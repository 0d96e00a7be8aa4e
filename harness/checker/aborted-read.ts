// G1a, aborted read (Jepsen): an ok poll returned a value whose send failed. A failed send (an
// aborted transaction, a definite error) must leave no trace a consumer can see. (A value sent
// twice, once successfully, is judged by its successful send; Jepsen would flag it.)
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";
import { Outcome } from "./op-table.ts";

export const abortedRead: Analysis = {
  name: "aborted-read",
  run(index, findings) {
    index.forEachWriter((value, writer, target, outcome) => {
      if (outcome !== Outcome.fail) return;
      const reader = index.okReaderOf(target, value);
      if (reader >= 0) reportAbortedRead(findings, index, value, writer, target, reader);
    });
  },
};

/** Kept out of the visit of every writer, which then allocates nothing. */
function reportAbortedRead(findings: Findings, index: HistoryIndex, value: number, writer: number, target: number, reader: number): void {
  findings.report("G1a", () => {
    const sent = index.ops.index[writer];
    const partition = index.names.name(target);
    return {
      explanation: `Op ${reader} polled ${value} from ${partition}, but the send of ${value} failed (op ${sent}): a write that was aborted became visible.`,
      ops: evidence(sent, reader),
      partition,
      value,
    };
  });
}
