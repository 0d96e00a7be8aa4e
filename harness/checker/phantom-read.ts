// phantom-read (kconform): a poll returned a value nobody sent, or sent elsewhere. Jepsen's
// checker crashes on such a history; here it is a finding like any other.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";

export const phantomRead: Analysis = {
  name: "phantom-read",
  run(index, findings) {
    const { names, ops } = index;
    const reported = new Set<string>();
    const reads = index.reads;
    for (let row = 0; row < ops.length; row++) {
      for (let i = ops.readFrom[row]; i < ops.readTo[row]; i += 3) {
        const partition = reads.at(i);
        const value = reads.at(i + 2);
        const target = index.writerTargetOf(value);
        if (target >= 0 && names.covers(target, partition)) continue;
        const key = `${partition}:${value}`;
        if (reported.has(key)) continue;
        reported.add(key);
        reportPhantom(findings, index, ops.index[row], partition, reads.at(i + 1), value);
      }
    }
  },
};

/** Kept out of the loop over records, which then allocates nothing. */
function reportPhantom(findings: Findings, index: HistoryIndex, op: number, partition: number, offset: number, value: number): void {
  const { names, ops } = index;
  findings.report("phantom-read", () => {
    const name = names.name(partition);
    const at = Number.isNaN(offset) ? "" : ` at offset ${offset}`;
    const target = index.writerTargetOf(value);
    const writer = index.writerOf(value);
    const explanation =
      target < 0
        ? `Op ${op} polled ${value} from ${name}${at}, but no operation ever sent ${value}.`
        : `Op ${op} polled ${value} from ${name}${at}, but ${value} was sent to ${names.name(target)} (op ${ops.index[writer]}), not to ${name}.`;
    return {
      explanation,
      ops: evidence(op, writer >= 0 ? ops.index[writer] : -1),
      partition: name,
      value,
      ...(Number.isNaN(offset) ? {} : { offset }),
    };
  });
}
