// Properties of the whole catalogue: it returns a well-formed verdict on any input at all, finds
// nothing in what a correct log produces, and notices the simplest corruptions of it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../history/types.ts";
import { ANOMALY_TYPES, type CheckResult } from "./anomalies.ts";
import { checkHistory } from "./catalogue.ts";
import { simulate, type ModelStep } from "./log-model.ts";

const partition = fc.constantFrom("t-0", "t-1", "t-2", "t", "u-10", "odd", "");
const small = fc.integer({ min: -2, max: 12 });
const loose = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: fc.anything() });
const pair = loose(fc.tuple(loose(fc.option(small)), loose(small)));
const microOp = loose(
  fc.oneof(
    fc.tuple(fc.constant("send"), partition, fc.oneof(small, fc.tuple(fc.option(small), small))),
    fc.tuple(fc.constant("send"), partition, fc.tuple(small, small), loose(fc.record({ key: fc.constantFrom("a", "b") }))),
    fc.tuple(fc.constant("poll")),
    fc.tuple(fc.constant("poll"), fc.dictionary(partition, loose(fc.array(pair, { maxLength: 4 })), { maxKeys: 3 })),
  ),
);
const rebalance = fc.array(
  fc.record({ type: fc.constantFrom("assigned", "revoked"), partitions: fc.array(partition, { maxLength: 3 }), generation: fc.option(fc.nat(3), { nil: undefined }) }),
  { maxLength: 2 },
);
const event = loose(
  fc.record({
    index: fc.nat(50),
    time: fc.nat(),
    process: loose(fc.oneof(fc.nat(3), fc.constant("nemesis"))),
    type: fc.constantFrom("invoke", "ok", "fail", "info", "odd"),
    f: fc.constantFrom("send", "poll", "txn", "assign", "subscribe", "commit", "crash", "create-partitions", "kill"),
    value: loose(fc.oneof(fc.array(microOp, { maxLength: 4 }), fc.array(partition, { maxLength: 3 }), fc.dictionary(partition, small, { maxKeys: 3 }))),
    rebalance: fc.option(loose(rebalance), { nil: undefined }),
    generation: fc.option(loose(fc.nat(3)), { nil: undefined }),
    group: fc.option(loose(fc.constantFrom("g", "h")), { nil: undefined }),
    "seek-to-beginning": fc.option(fc.boolean(), { nil: undefined }),
  }),
) as fc.Arbitrary<HistoryEvent>;

const step = fc.record({
  process: fc.nat(3),
  action: fc.constantFrom("send", "send-keyed", "poll", "txn", "assign", "subscribe", "commit", "crash", "nemesis"),
  pick: fc.nat(4096),
  outcome: fc.constantFrom("ok", "ok", "info-applied", "info-lost", "fail"),
  completeNow: fc.boolean(),
}) as fc.Arbitrary<ModelStep>;
const modelRun = fc.record({ steps: fc.array(step, { maxLength: 80 }), partitions: fc.integer({ min: 1, max: 4 }) });

function expectWellFormed(result: CheckResult): void {
  expect([true, false, "unknown"]).toContain(result.valid);
  const types = result["anomaly-types"];
  expect([...types].sort()).toEqual(types);
  expect(new Set(types).size).toBe(types.length);
  for (const type of types) expect(ANOMALY_TYPES).toContain(type);
  expect(Object.keys(result.anomalies).sort()).toEqual(types);
  for (const [type, anomalies] of Object.entries(result.anomalies)) {
    expect(anomalies!.length).toBeGreaterThan(0);
    expect(result.stats["anomaly-counts"][type as (typeof types)[number]]).toBeGreaterThanOrEqual(anomalies!.length);
    for (const anomaly of anomalies!) {
      expect(anomaly.explanation).toMatch(/^[A-Z].*\.$/s);
      expect(anomaly.ops.every((op) => Number.isSafeInteger(op) && op >= 0)).toBe(true);
      expect([...anomaly.ops].sort((a, b) => a - b)).toEqual(anomaly.ops);
    }
  }
  const disallowed = types.filter((type) => !result.allowed.includes(type));
  expect(result.valid === false).toBe(disallowed.length > 0);
  if (result.valid === true) expect(result["unknown-reasons"]).toEqual([]);
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}

describe("the catalogue", () => {
  it("never throws and always returns a well-formed verdict, whatever the history", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        expectWellFormed(checkHistory(events));
      }),
      { numRuns: 300 },
    );
  });

  it("finds nothing in histories of a correct log", () => {
    fc.assert(
      fc.property(modelRun, ({ steps, partitions }) => {
        const result = checkHistory(simulate(steps, { partitions }));
        expect(result["anomaly-types"]).toEqual([]);
        expect(result["unknown-reasons"]).toEqual([]);
        expect(result.valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("reports a polled value swapped for one nobody sent as a phantom read", () => {
    fc.assert(
      fc.property(modelRun, fc.nat(), ({ steps, partitions }, choice) => {
        const events = simulate(steps, { partitions });
        const reads = polledRecords(events);
        fc.pre(reads.length > 0);
        const record = reads[choice % reads.length];
        record[1] = 1_000_000;
        const result = checkHistory(events);
        expect(result.valid).toBe(false);
        expect(result.anomalies["phantom-read"]?.map((a) => a.value)).toContain(1_000_000);
      }),
      { numRuns: 100 },
    );
  });

  it("reports an acknowledged value erased from every poll as unseen", () => {
    fc.assert(
      fc.property(modelRun, fc.nat(), ({ steps, partitions }, choice) => {
        const events = simulate(steps, { partitions });
        const acknowledged = events.flatMap((e) => (e.type === "ok" && e.f === "send" ? (e.value as [string, string, [number, number]][]) : [])).map((m) => m[2][1]);
        fc.pre(acknowledged.length > 0);
        const erased = acknowledged[choice % acknowledged.length];
        for (const event of events) {
          for (const mop of event.type === "ok" && Array.isArray(event.value) ? event.value : []) {
            if (mop[0] !== "poll" || mop.length < 2) continue;
            for (const [name, pairs] of Object.entries(mop[1] as Record<string, [number, number][]>)) {
              (mop[1] as Record<string, [number, number][]>)[name] = pairs.filter((p) => p[1] !== erased);
            }
          }
        }
        const result = checkHistory(events);
        expect(result.valid).toBe(false);
        expect(result.anomalies.unseen?.flatMap((a) => a.values)).toContain(erased);
      }),
      { numRuns: 100 },
    );
  });
});

/** Every [offset, value] pair of every ok poll, to mutate in place. */
function polledRecords(events: HistoryEvent[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const event of events) {
    if (event.type !== "ok" || !Array.isArray(event.value)) continue;
    for (const mop of event.value) {
      if (Array.isArray(mop) && mop[0] === "poll" && mop.length === 2) for (const list of Object.values(mop[1] as Record<string, [number, number][]>)) pairs.push(...list);
    }
  }
  return pairs;
}
