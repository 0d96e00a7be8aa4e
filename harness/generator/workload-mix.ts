// The workload mix: how many producers and consumers, how each consumer consumes (assign or a
// group subscription), and the cycle of operations each worker repeats at its rate.
import fc from "fast-check";
import { sendShapeArbitrary, type Keying } from "./keys.ts";
import type { ConsumerMembership, ConsumerPlan, ConsumerStep, ProducerPlan, WorkloadPlan } from "./plan.ts";
import { rateArbitrary, type RateOptions } from "./rates.ts";

export interface Range {
  min: number;
  max: number;
}

export interface WorkloadOptions {
  /** Partitions of the workload topic. */
  partitions: number;
  producers: Range;
  consumers: Range;
  /** How consumers may consume; subscribe members share `groups` groups. */
  membership: readonly ConsumerMembership["mode"][];
  groups: number;
  keying: Keying;
  keys: number;
  /** Let unkeyed sends name a partition themselves. */
  explicitPartitions: boolean;
  /** Records per send operation. */
  batch: Range;
  /** Operations per second, per producer and per consumer. */
  producerRate: RateOptions;
  consumerRate: RateOptions;
  /** Whether consumers commit offsets themselves (commit steps in their pattern). */
  commits: boolean;
  /** Length of each worker's repeated pattern. */
  patternLength: Range;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  partitions: 3,
  producers: { min: 1, max: 3 },
  consumers: { min: 1, max: 3 },
  membership: ["assign", "subscribe"],
  groups: 1,
  keying: "mixed",
  keys: 8,
  explicitPartitions: false,
  batch: { min: 1, max: 3 },
  producerRate: { min: 20, max: 60 },
  consumerRate: { min: 10, max: 20 },
  commits: true,
  patternLength: { min: 1, max: 6 },
};

function membershipArbitrary(options: WorkloadOptions): fc.Arbitrary<ConsumerMembership> {
  const all = Array.from({ length: options.partitions }, (_, p) => p);
  const choices: fc.Arbitrary<ConsumerMembership>[] = [];
  if (options.membership.includes("assign")) {
    choices.push(
      fc
        .record({ partitions: fc.subarray(all, { minLength: 1 }), seekToBeginning: fc.boolean() })
        .map(({ partitions, seekToBeginning }): ConsumerMembership => ({ mode: "assign", partitions, seekToBeginning })),
    );
  }
  if (options.membership.includes("subscribe")) {
    choices.push(fc.integer({ min: 0, max: Math.max(0, options.groups - 1) }).map((group): ConsumerMembership => ({ mode: "subscribe", group })));
  }
  return fc.oneof(...choices);
}

function producerArbitrary(options: WorkloadOptions): fc.Arbitrary<Omit<ProducerPlan, "process">> {
  const send = fc.array(sendShapeArbitrary({ keys: options.keys, keying: options.keying, ...(options.explicitPartitions ? { partitions: options.partitions } : {}) }), {
    minLength: options.batch.min,
    maxLength: options.batch.max,
  });
  return fc.record({
    ratePerSecond: rateArbitrary(options.producerRate),
    pattern: fc.array(send, { minLength: options.patternLength.min, maxLength: options.patternLength.max }),
  });
}

function consumerArbitrary(options: WorkloadOptions): fc.Arbitrary<Omit<ConsumerPlan, "process">> {
  const step: fc.Arbitrary<ConsumerStep> = options.commits ? fc.constantFrom<ConsumerStep>("poll", "commit") : fc.constant<ConsumerStep>("poll");
  return fc.record({
    ratePerSecond: rateArbitrary(options.consumerRate),
    membership: membershipArbitrary(options),
    // Always at least one poll: a consumer that only commits reads nothing.
    pattern: fc.array(step, { minLength: Math.max(0, options.patternLength.min - 1), maxLength: Math.max(0, options.patternLength.max - 1) }).map((steps): ConsumerStep[] => ["poll", ...steps]),
  });
}

/** Producers get processes 0..n-1 and consumers the numbers after them. */
export function workloadArbitrary(options: WorkloadOptions): fc.Arbitrary<WorkloadPlan> {
  const needsMembership = options.consumers.max > 0;
  if (needsMembership && options.membership.length === 0) throw new RangeError("workload: consumers need at least one membership mode (assign or subscribe)");
  return fc
    .record({
      producers: fc.array(producerArbitrary(options), { minLength: options.producers.min, maxLength: options.producers.max }),
      consumers: needsMembership ? fc.array(consumerArbitrary(options), { minLength: options.consumers.min, maxLength: options.consumers.max }) : fc.constant<Omit<ConsumerPlan, "process">[]>([]),
    })
    .map(({ producers, consumers }) => ({
      producers: producers.map((p, i) => ({ process: i, ...p })),
      consumers: consumers.map((c, i) => ({ process: producers.length + i, ...c })),
    }));
}
