// The generators: a seed replays the same plan (the promise behind `--seed`), schedules respect
// the time limit and never overlap, and workloads number their processes and stay well-formed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultScheduleArbitrary, ScheduleOptionsError, type ScheduleOptions } from "./fault-schedule.ts";
import { runPlanArbitrary } from "./run-plan.ts";
import { planFromSeed } from "./seed.ts";
import { DEFAULT_WORKLOAD, workloadArbitrary, type WorkloadOptions } from "./workload-mix.ts";

const SCHEDULE: ScheduleOptions = {
  choices: [
    { fault: "kill", targets: ["leader:0", "random"], durationMs: { min: 1_000, max: 5_000 } },
    { fault: "latency", targets: ["all"], durationMs: { min: 500, max: 3_000 }, params: fc.record({ latencyMs: fc.integer({ min: 10, max: 500 }) }) },
  ],
  timeLimitMs: 30_000,
  faults: { min: 1, max: 6 },
  gapMs: { min: 500, max: 4_000 },
  quietTailMs: 5_000,
};

describe("seed replay", () => {
  it("gives the same workload and schedule for the same seed, and usually another for another seed", () => {
    const arbitrary = runPlanArbitrary(DEFAULT_WORKLOAD, SCHEDULE);
    fc.assert(
      fc.property(fc.nat({ max: 0x7fffffff }), (seed) => {
        const first = planFromSeed(arbitrary, seed);
        expect(planFromSeed(runPlanArbitrary(DEFAULT_WORKLOAD, SCHEDULE), seed)).toEqual(first);
      }),
      { numRuns: 20 },
    );
    const plans = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(planFromSeed(arbitrary, seed))));
    expect(plans.size).toBeGreaterThan(1);
  });

  it("is the plan the shrinking check runs first", async () => {
    const arbitrary = runPlanArbitrary(DEFAULT_WORKLOAD, SCHEDULE);
    for (const seed of [7, 4242, 123456789]) {
      let first: unknown;
      await fc.check(
        fc.asyncProperty(arbitrary, async (plan) => {
          first ??= plan;
          return true;
        }),
        { seed, numRuns: 1 },
      );
      expect(first).toEqual(planFromSeed(arbitrary, seed));
    }
  });
});

describe("fault schedule", () => {
  it("lays faults out in order, without overlap, before the quiet tail, with a pick for the nemesis", () => {
    fc.assert(
      fc.property(faultScheduleArbitrary(SCHEDULE), (schedule) => {
        expect(schedule.length).toBeGreaterThanOrEqual(1);
        let previousEnd = 0;
        for (const fault of schedule) {
          expect(fault.atMs).toBeGreaterThanOrEqual(previousEnd);
          expect(fault.atMs + fault.durationMs).toBeLessThanOrEqual(SCHEDULE.timeLimitMs - SCHEDULE.quietTailMs);
          const choice = SCHEDULE.choices.find((c) => c.fault === fault.fault);
          expect(choice?.targets).toContain(fault.target);
          expect(fault.durationMs).toBeGreaterThanOrEqual(choice?.durationMs.min ?? Infinity);
          expect(typeof fault.params?.pick).toBe("number");
          previousEnd = fault.atMs + fault.durationMs;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses options where the required first fault cannot fit", () => {
    expect(() => faultScheduleArbitrary({ ...SCHEDULE, timeLimitMs: 6_000 })).toThrow(ScheduleOptionsError);
    expect(() => faultScheduleArbitrary({ ...SCHEDULE, timeLimitMs: 6_000 })).toThrow(/time limit of at least 7 s/);
    expect(() => faultScheduleArbitrary({ ...SCHEDULE, choices: [] })).toThrow(ScheduleOptionsError);
  });

  it("is empty when no fault is wanted", () => {
    fc.assert(fc.property(faultScheduleArbitrary({ ...SCHEDULE, faults: { min: 0, max: 0 } }), (schedule) => {
      expect(schedule).toEqual([]);
    }), { numRuns: 10 });
  });
});

describe("workload mix", () => {
  const options: WorkloadOptions = { ...DEFAULT_WORKLOAD, partitions: 4, explicitPartitions: true, keying: "mixed" };

  it("numbers producers first, then consumers, each worker with a usable pattern", () => {
    fc.assert(
      fc.property(workloadArbitrary(options), (plan) => {
        const processes = [...plan.producers, ...plan.consumers].map((w) => w.process);
        expect(processes).toEqual(processes.map((_, i) => i));
        for (const producer of plan.producers) {
          expect(producer.pattern.length).toBeGreaterThanOrEqual(options.patternLength.min);
          for (const send of producer.pattern) {
            expect(send.length).toBeGreaterThanOrEqual(options.batch.min);
            expect(send.length).toBeLessThanOrEqual(options.batch.max);
            for (const shape of send) {
              if (shape.key !== null) expect(shape.key).toBeLessThan(options.keys);
              if (shape.partition !== undefined) expect(shape.key === null && shape.partition < options.partitions).toBe(true);
            }
          }
        }
        for (const consumer of plan.consumers) {
          expect(consumer.pattern[0]).toBe("poll");
          if (consumer.membership.mode === "assign") {
            expect(consumer.membership.partitions.length).toBeGreaterThan(0);
            for (const p of consumer.membership.partitions) expect(p).toBeLessThan(options.partitions);
          } else {
            expect(consumer.membership.group).toBeLessThan(options.groups);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("keeps keyed-only workloads keyed and consumers without commits commit-free", () => {
    fc.assert(
      fc.property(workloadArbitrary({ ...options, keying: "keyed", commits: false, membership: ["subscribe"] }), (plan) => {
        for (const producer of plan.producers) for (const send of producer.pattern) for (const shape of send) expect(shape.key).not.toBeNull();
        for (const consumer of plan.consumers) {
          expect(consumer.pattern.every((step) => step === "poll")).toBe(true);
          expect(consumer.membership.mode).toBe("subscribe");
        }
      }),
      { numRuns: 50 },
    );
  });
});
