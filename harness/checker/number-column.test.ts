// NumberColumn against a plain array: the same numbers at every position, across the first
// chunk's doublings and the whole chunks added after it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NumberColumn } from "./number-column.ts";

describe("NumberColumn", () => {
  it("reads back what was pushed and set, at any length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.tuple(fc.nat(), fc.double()), { maxLength: 20 }),
        (capacity, count, sets) => {
          const column = new NumberColumn(capacity);
          const reference: number[] = [];
          for (let i = 0; i < count; i++) {
            const value = i % 7 === 0 ? -i - 0.5 : i * 3;
            if (i % 3 === 0 && i + 3 <= count) {
              column.pushTriple(value, NaN, value + 1);
              reference.push(value, NaN, value + 1);
              i += 2;
            } else {
              column.push(value);
              reference.push(value);
            }
          }
          for (const [at, value] of sets) {
            if (reference.length === 0) break;
            column.set(at % reference.length, value);
            reference[at % reference.length] = value;
          }
          expect(column.length).toBe(reference.length);
          for (let i = 0; i < reference.length; i++) if (!Object.is(column.at(i), reference[i])) expect(column.at(i)).toBe(reference[i]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
