// Seeds: every run has one, prints it, and `--seed` replays it. The plan is the first value
// fast-check generates for that seed, drawn exactly as the shrinking check draws it, so a replay
// and the original start from the same plan.
import { randomInt } from "node:crypto";
import fc from "fast-check";

/** A fresh seed: a non-negative 31-bit integer, easy to type back in. */
export function newSeed(): number {
  return randomInt(0, 0x7fffffff);
}

/** The plan `arbitrary` generates first for `seed`, the same one fc.check({seed, numRuns: 1}) runs. */
export function planFromSeed<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  let drawn: { value: T } | undefined;
  fc.check(
    fc.property(arbitrary, (value) => {
      drawn = { value };
      return true;
    }),
    { seed, numRuns: 1 },
  );
  if (drawn === undefined) throw new Error(`fast-check drew no value for seed ${seed}`);
  return drawn.value;
}
