// unseen (Jepsen): acknowledged sends that no ok poll ever returned. Without a later read past
// them this is not proof of loss (lost-write is), but a run whose final reads cover every
// partition must see everything it was told was written.
import { evidence, list, opList, plural, type Analysis } from "./analysis.ts";
import { Outcome } from "./op-table.ts";

const EXAMPLES = 8;

export const unseen: Analysis = {
  name: "unseen",
  run(index, findings) {
    const byTarget = new Map<number, { count: number; values: number[]; ops: number[] }>();
    index.forEachWriter((value, writer, target, outcome) => {
      if (outcome !== Outcome.ok || index.okReaderOf(target, value) >= 0) return;
      let entry = byTarget.get(target);
      if (entry === undefined) {
        entry = { count: 0, values: [], ops: [] };
        byTarget.set(target, entry);
      }
      entry.count++;
      if (entry.values.length < EXAMPLES) {
        entry.values.push(value);
        entry.ops.push(index.ops.index[writer]);
      }
    });
    for (const [target, { count, values, ops }] of byTarget) {
      findings.report("unseen", () => {
        const partition = index.names.name(target);
        const more = count > values.length ? `, among others` : "";
        return {
          explanation: `No poll ever returned ${plural(count, "acknowledged send")} to ${partition}: ${list(values)}${more} (sent by ${opList(evidence(...ops))}).`,
          ops: evidence(...ops),
          partition,
          count,
          values,
        };
      });
    }
  },
};
