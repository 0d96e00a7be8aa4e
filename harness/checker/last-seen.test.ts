// LastSeen against the map of objects it replaces: after any sequence of sightings and forgets,
// every (process, partition) answers the same.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LastSeen } from "./last-seen.ts";
import { Names } from "./names.ts";

type Step =
  | { op: "set"; process: number; partition: number; value: number }
  | { op: "forget"; process: number }
  | { op: "keep" | "drop"; process: number; targets: number[] };

describe("LastSeen", () => {
  it("remembers and forgets as a map of (process, partition) to (op, value) would", () => {
    const names = new Names();
    const ids = ["t-0", "t-1", "t-2", "u-0", "t", "odd"].map((name) => names.id(name));
    const partition = fc.constantFrom(...ids);
    const process = fc.oneof(fc.nat(40), fc.constantFrom(1.5, 2 ** 40));
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant("set" as const), process, partition, value: fc.integer() }),
      fc.record({ op: fc.constant("forget" as const), process }),
      fc.record({ op: fc.constantFrom("keep" as const, "drop" as const), process, targets: fc.array(partition, { maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const last = new LastSeen(names.size);
        const reference = new Map<number, Map<number, { op: number; value: number }>>();
        steps.forEach((step, op) => {
          const seen = reference.get(step.process);
          if (step.op === "set") {
            last.set(step.process, step.partition, op, step.value);
            if (seen) seen.set(step.partition, { op, value: step.value });
            else reference.set(step.process, new Map([[step.partition, { op, value: step.value }]]));
          } else if (step.op === "forget") {
            last.forgetProcess(step.process);
            reference.delete(step.process);
          } else {
            if (step.op === "keep") last.keepCovered(step.process, step.targets, names);
            else last.forgetCovered(step.process, step.targets, names);
            for (const p of [...(seen?.keys() ?? [])]) {
              const covered = step.targets.some((target) => names.covers(target, p));
              if (covered === (step.op === "drop")) seen!.delete(p);
            }
          }
        });
        for (const process of new Set(steps.map((s) => s.process))) {
          for (const p of ids) {
            const expected = reference.get(process)?.get(p);
            const at = last.at(process, p);
            expect(at >= 0 ? { op: last.opAt(at), value: last.valueAt(at) } : undefined).toEqual(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
