// int-send-skip and int-nonmonotonic-send (Jepsen): within one operation, consecutive sends to a
// partition should be adjacent and in order. Other producers' records may land between them, so
// int-send-skip is allowed by default; an inversion never is.
import { evidence, plural, type Analysis, type Findings } from "./analysis.ts";
import { OpPartitions } from "./op-partitions.ts";
import { reportOrderGap } from "./order-gap.ts";
import type { VersionOrder } from "./version-order.ts";


export const internalSendOrder: Analysis = {
  name: "internal-send-order",
  run(index, findings) {
    const { names, ops } = index;
    const current = new OpPartitions();
    const writes = index.writes;
    for (let row = 0; row < ops.length; row++) {
      const from = ops.writeFrom[row];
      const to = ops.writeTo[row];
      if (to - from < 6) continue;
      const op = ops.index[row];
      current.begin();
      for (let i = from; i < to; i += 3) {
        const target = writes.at(i);
        const value = writes.at(i + 2);
        const previous = current.push(target, value);
        const order = index.logs[target]?.versionOrder();
        if (Number.isNaN(previous) || order === undefined) continue;
        const delta = order.distance(previous, value);
        if (delta !== 1) reportGap(findings, names.name(target), order, op, previous, value, delta);
      }
    }
  },
};

/** Kept out of the loop, which then allocates nothing. */
function reportGap(findings: Findings, name: string, order: VersionOrder, op: number, previous: number, value: number, delta: number): void {
  reportOrderGap(findings, order, { skip: "int-send-skip", backwards: "int-nonmonotonic-send", partition: name, previous, value, delta, ops: evidence(op) }, {
    skipped: (records) => `Op ${op} sent ${previous} and then ${value} to ${name}, but ${plural(delta - 1, "other record")} landed between them (${records}).`,
    repeated: () => `Op ${op} sent ${previous} and then ${value} to ${name}, yet both sit at the same position of the log.`,
    backwards: () => `Op ${op} sent ${previous} and then ${value} to ${name}, yet ${value} landed ${plural(-delta, "position")} before ${previous}.`,
  });
}
