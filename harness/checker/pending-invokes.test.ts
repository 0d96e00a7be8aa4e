// PendingInvokes against the Map it replaces: the same answers to every get, and what is left at
// the end drained in the Map's iteration order, for any mix of ordinary and odd process numbers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PendingInvokes } from "./pending-invokes.ts";

type Step = { op: "get" | "set" | "delete"; process: number };

const process = fc.oneof(fc.nat(12), fc.constantFrom(-1, -0, 1.5, NaN, 2 ** 16, 2 ** 40, 70_000));
const step: fc.Arbitrary<Step> = fc.record({ op: fc.constantFrom("get", "set", "set", "delete"), process });

describe("PendingInvokes", () => {
  it("answers as a Map would, and drains in a Map's order", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const pending = new PendingInvokes<string>();
        const reference = new Map<number, string>();
        steps.forEach(({ op, process }, n) => {
          if (op === "set") {
            pending.set(process, `invoke ${n}`);
            reference.set(process, `invoke ${n}`);
          } else if (op === "delete") {
            pending.delete(process);
            reference.delete(process);
          } else {
            expect(pending.get(process)).toBe(reference.get(process));
          }
        });
        expect(pending.drain()).toEqual([...reference.values()]);
        expect(pending.drain()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
