// inconsistent-offsets (Jepsen): two operations claim different values at one offset of a
// partition, so the broker told clients different stories about the same log position.
import { evidence, list, type Analysis } from "./analysis.ts";

export const inconsistentOffsets: Analysis = {
  name: "inconsistent-offsets",
  run(index, findings) {
    for (const log of index.logs) {
      if (log === undefined || log.conflicts.size === 0) continue;
      const partition = index.names.name(log.partition);
      for (const [slot, others] of log.conflicts) {
        findings.report("inconsistent-offsets", () => {
          const offset = log.offsets.at(slot);
          const claims = [{ value: log.values.at(slot), op: log.claimants.at(slot) }, ...others];
          return {
            explanation: `Offset ${offset} of ${partition} holds different values depending on who looked: ${list(claims.map((c) => `${c.value} (op ${c.op})`))}.`,
            ops: evidence(...claims.map((c) => c.op)),
            partition,
            offset,
            values: claims.map((c) => c.value),
          };
        });
      }
    }
  },
};
