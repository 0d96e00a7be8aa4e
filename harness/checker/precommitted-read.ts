// precommitted-read (Jepsen): a transaction polled a value it was itself sending. Kafka's
// read_committed consumers must never see records of a transaction that has not committed,
// including their own.
import { evidence, type Analysis } from "./analysis.ts";

export const precommittedRead: Analysis = {
  name: "precommitted-read",
  run(index, findings) {
    const { names } = index;
    const { ops } = index;
    const reads = index.reads.data;
    const writes = index.writes.data;
    for (let row = 0; row < ops.length; row++) {
      if (ops.readFrom[row] === ops.readTo[row] || ops.writeFrom[row] === ops.writeTo[row]) continue;
      const op = ops.index[row];
      let found = -1;
      for (let r = ops.readFrom[row]; r < ops.readTo[row] && found < 0; r += 3) {
        for (let w = ops.writeFrom[row]; w < ops.writeTo[row]; w += 3) {
          if (writes[w + 2] === reads[r + 2] && names.covers(writes[w], reads[r])) {
            found = r;
            break;
          }
        }
      }
      if (found < 0) continue;
      findings.report("precommitted-read", () => {
        const partition = names.name(reads[found]);
        const value = reads[found + 2];
        return {
          explanation: `Op ${op} polled ${value} from ${partition}, a value it was sending itself in the same transaction, before that transaction committed.`,
          ops: evidence(op),
          partition,
          value,
        };
      });
    }
  },
};
