// precommitted-read (Jepsen): a transaction polled a value it was itself sending. Kafka's
// read_committed consumers must never see records of a transaction that has not committed,
// including their own.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { Names } from "./names.ts";

export const precommittedRead: Analysis = {
  name: "precommitted-read",
  run(index, findings) {
    const { names } = index;
    const { ops } = index;
    const reads = index.reads;
    const writes = index.writes;
    for (let row = 0; row < ops.length; row++) {
      if (ops.readFrom[row] === ops.readTo[row] || ops.writeFrom[row] === ops.writeTo[row]) continue;
      let found = -1;
      for (let r = ops.readFrom[row]; r < ops.readTo[row] && found < 0; r += 3) {
        for (let w = ops.writeFrom[row]; w < ops.writeTo[row]; w += 3) {
          if (writes.at(w + 2) === reads.at(r + 2) && names.covers(writes.at(w), reads.at(r))) {
            found = r;
            break;
          }
        }
      }
      if (found >= 0) reportPrecommittedRead(findings, names, ops.index[row], reads.at(found), reads.at(found + 2));
    }
  },
};

/** Kept out of the loop, which then allocates nothing. */
function reportPrecommittedRead(findings: Findings, names: Names, op: number, partition: number, value: number): void {
  findings.report("precommitted-read", () => {
    const name = names.name(partition);
    return {
      explanation: `Op ${op} polled ${value} from ${name}, a value it was sending itself in the same transaction, before that transaction committed.`,
      ops: evidence(op),
      partition: name,
      value,
    };
  });
}
