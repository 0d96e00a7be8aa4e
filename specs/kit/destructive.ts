// The fast-check property of a spec that kills, stops, pauses or wipes brokers. fast-check's time
// limit does not cancel a run it interrupts: the run goes on in the background, brokers down, while
// the next spec starts. So a run starts only after every earlier destructive run finished, only
// when the spec's remaining budget still fits its longest run so far, and not at all once a run
// could not set up what it needs.
import fc from "fast-check";
import { SpecSetupError } from "./clients.ts";

/** Headroom over the longest run so far when deciding whether another run fits the budget. */
const RUN_ESTIMATE_FACTOR = 1.25;

let lastRun: Promise<void> = Promise.resolve();

/** Resolves once no destructive run of any spec is in progress (each heals what it broke before it ends). */
export function destructiveRunsSettled(): Promise<void> {
  return lastRun;
}

/**
 * The property for `spec.property`: call it from there, since the budget counts from its creation
 * (runSpec creates the property just before checking it). When the budget cannot fit another run,
 * the check ends instead of starting it.
 */
export function destructiveProperty<T>(timeLimitMs: number, arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>): fc.IAsyncPropertyWithHooks<[T]> {
  const createdAt = performance.now();
  let longestRunMs = 0;
  let setupFailure: SpecSetupError | undefined;
  return fc.asyncProperty(arbitrary, async (value) => {
    await destructiveRunsSettled();
    // Shrinking after a setup failure would only break the cluster further, and turn "could not
    // set up" into whatever error a broken cluster gives next: every later run repeats the first.
    if (setupFailure !== undefined) throw setupFailure;
    const remainingMs = timeLimitMs - (performance.now() - createdAt);
    // Ends the check here, as fast-check's own time limit would: the runs so far count, none fails.
    if (longestRunMs > 0 && remainingMs < longestRunMs * RUN_ESTIMATE_FACTOR) throw new fc.PreconditionFailure(true);
    const began = performance.now();
    const current = run(value);
    lastRun = current.then(
      () => undefined,
      () => undefined,
    );
    await current.catch((error: unknown) => {
      if (error instanceof SpecSetupError) setupFailure = error;
      throw error;
    });
    longestRunMs = Math.max(longestRunMs, performance.now() - began);
  });
}
