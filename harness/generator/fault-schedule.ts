// The fault schedule: faults from a scenario's menu, one after another, each active for a while,
// with quiet gaps between them and a fault-free tail before the run's end. Shrinking drops faults
// and shortens gaps and durations.
import fc from "fast-check";
import { CouldNotRunError } from "../errors.ts";
import type { ScheduledFault } from "../run/result.ts";
import type { Range } from "./workload-mix.ts";

/** One kind of fault a scenario may inject, on which targets ("leader:0", "random", "minority"...). */
export interface FaultChoice {
  fault: string;
  targets: readonly string[];
  durationMs: Range;
  params?: fc.Arbitrary<Record<string, unknown>>;
}

export interface ScheduleOptions {
  choices: readonly FaultChoice[];
  timeLimitMs: number;
  faults: Range;
  /** Quiet time before the first fault and between two faults. */
  gapMs: Range;
  /** The end of the run stays fault-free this long, so the workload recovers before healing. */
  quietTailMs: number;
}

/** The schedule asked for cannot exist (typically: the time limit is too short for its faults). */
export class ScheduleOptionsError extends CouldNotRunError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, "bad-schedule-options", context);
  }
}

interface Draft {
  gapMs: number;
  choice: number;
  target: number;
  durationMs: number;
  pick: number;
  params: Record<string, unknown>;
}

function checkOptions(options: ScheduleOptions): void {
  const room = options.timeLimitMs - options.quietTailMs;
  // Every choice must fit as the first fault, whichever the generator draws.
  const longestFirst = options.gapMs.min + Math.max(...options.choices.map((c) => c.durationMs.min));
  if (options.faults.min > 0 && (options.choices.length === 0 || longestFirst > room)) {
    const needed = Math.ceil((longestFirst + options.quietTailMs) / 1000);
    throw new ScheduleOptionsError(
      `a schedule needs ${options.faults.min} fault(s), but ${options.choices.length === 0 ? "no fault is on the menu" : `the first cannot fit in ${room} ms (the time limit less the quiet tail of ${options.quietTailMs} ms): give a time limit of at least ${needed} s`}`,
      { ...options, choices: options.choices.map((c) => c.fault) },
    );
  }
}

/**
 * Faults laid out back to back. Each carries `params.pick`, a number the nemesis uses to choose
 * among candidates ("random" node, which half), so resolving a target stays a pure function.
 */
export function faultScheduleArbitrary(options: ScheduleOptions): fc.Arbitrary<ScheduledFault[]> {
  checkOptions(options);
  if (options.faults.max === 0 || options.choices.length === 0) return fc.constant([]);
  const draft: fc.Arbitrary<Draft> = fc
    .integer({ min: 0, max: options.choices.length - 1 })
    .chain((choice) => {
      const c = options.choices[choice];
      return fc.record({
        gapMs: fc.integer({ min: options.gapMs.min, max: options.gapMs.max }),
        choice: fc.constant(choice),
        target: fc.integer({ min: 0, max: Math.max(0, c.targets.length - 1) }),
        durationMs: fc.integer({ min: c.durationMs.min, max: c.durationMs.max }),
        pick: fc.nat({ max: 0x7fffffff }),
        params: c.params ?? fc.constant({}),
      });
    });
  return fc.array(draft, { minLength: options.faults.min, maxLength: options.faults.max }).map((drafts) => layOut(drafts, options));
}

function layOut(drafts: readonly Draft[], options: ScheduleOptions): ScheduledFault[] {
  const end = options.timeLimitMs - options.quietTailMs;
  const schedule: ScheduledFault[] = [];
  let at = 0;
  for (const d of drafts) {
    const choice = options.choices[d.choice];
    const atMs = at + d.gapMs;
    // Shorten a fault that would run into the quiet tail; drop it when not even its minimum fits.
    const durationMs = Math.min(d.durationMs, end - atMs);
    if (durationMs < choice.durationMs.min) {
      if (schedule.length === 0 && options.faults.min > 0) {
        // A required first fault always fits: checkOptions made sure of it.
        schedule.push({ atMs: Math.min(atMs, end - choice.durationMs.min), durationMs: choice.durationMs.min, fault: choice.fault, target: choice.targets[d.target], params: { ...d.params, pick: d.pick } });
      }
      break;
    }
    schedule.push({ atMs, durationMs, fault: choice.fault, target: choice.targets[d.target], params: { ...d.params, pick: d.pick } });
    at = atMs + durationMs;
  }
  return schedule;
}
