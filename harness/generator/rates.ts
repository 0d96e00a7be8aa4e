// How fast one worker issues operations, in operations per second.
import fc from "fast-check";

export interface RateOptions {
  min: number;
  max: number;
}

/** Integers in [min, max]; shrinks toward min, the gentlest load that still shows a failure. */
export function rateArbitrary(options: RateOptions): fc.Arbitrary<number> {
  return fc.integer({ min: Math.max(1, Math.floor(options.min)), max: Math.max(1, Math.floor(options.max)) });
}
