// committed-offset-regression (kconform): once a commit of offset o for a group and partition was
// acknowledged, a commit invoked afterwards must not set it lower. A consumer that took the
// partition over starts from the committed offset, so a lower one means the group lost a commit
// (or two members consumed the partition at once). Concurrent commits are not compared.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import { Kind, Outcome } from "./op-table.ts";
import { ProcessGroups, groupName } from "./process-groups.ts";

/** Acknowledged commits of one group and partition, kept only where the maximum rises. */
interface Highs {
  /** Event index of each commit's completion, ascending. */
  op: number[];
  offset: number[];
}

export const committedOffsets: Analysis = {
  name: "committed-offsets",
  run(index, findings) {
    const { names, ops } = index;
    const groups = new ProcessGroups(index);
    const highs = new Map<string, Map<number, Highs>>();
    for (let row = 0; row < ops.length; row++) {
      groups.observe(row);
      if (ops.kind[row] !== Kind.commit || ops.outcome[row] !== Outcome.ok) continue;
      const group = groups.of(row);
      let ofGroup = highs.get(group);
      if (ofGroup === undefined) {
        ofGroup = new Map();
        highs.set(group, ofGroup);
      }
      const op = ops.index[row];
      const invoked = ops.invokeIndex[row];
      const commits = ops.extrasOf(row).commits ?? [];
      for (let i = 0; i < commits.length; i += 2) {
        const partition = commits[i];
        const offset = commits[i + 1];
        let known = ofGroup.get(partition);
        if (known === undefined) {
          known = { op: [], offset: [] };
          ofGroup.set(partition, known);
        }
        const before = invoked >= 0 ? lastBefore(known.op, invoked) : -1;
        if (before >= 0 && offset < known.offset[before]) {
          reportRegression(findings, group, names.name(partition), known.op[before], known.offset[before], op, offset);
        }
        const n = known.offset.length;
        if (n === 0 || offset > known.offset[n - 1]) {
          known.op.push(op);
          known.offset.push(offset);
        }
      }
    }
  },
};

/** Kept out of the loop, which then allocates nothing per commit. */
function reportRegression(findings: Findings, group: string, name: string, highOp: number, high: number, op: number, offset: number): void {
  findings.report("committed-offset-regression", () => ({
    explanation: `The committed offset of ${groupName(group)} for ${name} went back from ${high} (op ${highOp}, acknowledged) to ${offset} (op ${op}, invoked after that).`,
    ops: evidence(highOp, op),
    partition: name,
    group,
    offsets: [high, offset],
  }));
}

/** Position of the last entry of an ascending array below `bound`, or -1. */
function lastBefore(ascending: readonly number[], bound: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ascending[middle] < bound) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
