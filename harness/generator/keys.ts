// The records of one send: keyed (from a small key space, so keys repeat and their partitions can
// be compared) or unkeyed, placed by the partitioner or aimed at a partition.
import fc from "fast-check";
import type { SendShape } from "./plan.ts";

export type Keying = "keyed" | "unkeyed" | "mixed";

export interface SendShapeOptions {
  /** Keys are numbered 0..keys-1; at least 1 when keying is not "unkeyed". */
  keys: number;
  keying: Keying;
  /** When set, unkeyed records may also name one of this many partitions. */
  partitions?: number;
}

export function sendShapeArbitrary(options: SendShapeOptions): fc.Arbitrary<SendShape> {
  const keyed = fc.integer({ min: 0, max: Math.max(0, options.keys - 1) }).map((key): SendShape => ({ key }));
  const choices: fc.Arbitrary<SendShape>[] = [];
  if (options.keying !== "unkeyed") choices.push(keyed);
  if (options.keying !== "keyed") {
    choices.push(fc.constant<SendShape>({ key: null }));
    const partitions = options.partitions;
    if (partitions !== undefined && partitions > 0) {
      choices.push(fc.integer({ min: 0, max: partitions - 1 }).map((partition): SendShape => ({ key: null, partition })));
    }
  }
  return fc.oneof(...choices);
}
