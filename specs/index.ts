// The spec catalogue: every documented guarantee kconform checks, in the order `kconform run` runs
// them (cheap, non-destructive ones first, so a broken broker fails fast).
import type { Spec } from "./spec.ts";

export const specs: readonly Spec[] = [];

export function specByName(name: string): Spec | undefined {
  return specs.find((spec) => spec.name === name);
}
