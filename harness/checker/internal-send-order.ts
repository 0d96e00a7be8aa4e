// int-send-skip and int-nonmonotonic-send (Jepsen): within one operation, consecutive sends to a
// partition should be adjacent and in order. Other producers' records may land between them, so
// int-send-skip is allowed by default; an inversion never is.
import { evidence, list, plural, type Analysis, type Findings } from "./analysis.ts";
import { OpPartitions } from "./op-partitions.ts";
import type { VersionOrder } from "./version-order.ts";

const SKIPPED_SHOWN = 8;

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
  if (delta > 1) {
    findings.report("int-send-skip", () => {
      const skipped = order.between(previous, value, SKIPPED_SHOWN);
      return {
        explanation: `Op ${op} sent ${previous} and then ${value} to ${name}, but ${plural(delta - 1, "other record")} landed between them (${list(skipped)}${delta - 1 > skipped.length ? ", ..." : ""}).`,
        ops: evidence(op),
        partition: name,
        values: [previous, value],
        delta,
        skipped,
      };
    });
  } else {
    findings.report("int-nonmonotonic-send", () => ({
      explanation:
        delta === 0
          ? `Op ${op} sent ${previous} and then ${value} to ${name}, yet both sit at the same position of the log.`
          : `Op ${op} sent ${previous} and then ${value} to ${name}, yet ${value} landed ${plural(-delta, "position")} before ${previous}.`,
      ops: evidence(op),
      partition: name,
      values: [previous, value],
      delta,
    }));
  }
}
