// duplicate (Jepsen): one value stored at more than one offset of a partition; values are unique
// per run, so the broker (or a retrying producer it failed to deduplicate) wrote a record twice.
import { evidence, list, opList, type Analysis } from "./analysis.ts";

export const duplicate: Analysis = {
  name: "duplicate",
  run(index, findings) {
    for (const log of index.logs) {
      if (log === undefined) continue;
      const order = log.versionOrder();
      for (const [value, positions] of order.duplicates()) {
        findings.report("duplicate", () => {
          const partition = index.names.name(log.partition);
          const offsets = positions.map((i) => order.offsetAt(i));
          const ops = evidence(...positions.map((i) => order.claimantAt(i, value)));
          return {
            explanation: `Value ${value} appears ${positions.length} times in ${partition}, at offsets ${list(offsets)} (seen by ${opList(ops)}), though it was sent once.`,
            ops,
            partition,
            value,
            count: positions.length,
            offsets,
          };
        });
      }
    }
  },
};
