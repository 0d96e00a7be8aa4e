// Histories for equivalence properties of the checker's fast paths: model histories of a correct
// log, and messy ones (conflicting offsets, duplicated values, records without offsets, rebalances).
import fc from "fast-check";
import type { HistoryEvent } from "../history/types.ts";
import { HistoryIndex } from "./history-index.ts";
import { simulate, type ModelStep } from "./log-model.ts";

const partitionName = fc.constantFrom("t-0", "t-1", "t-2");
const record = fc.tuple(fc.option(fc.integer({ min: 0, max: 6 })), fc.integer({ min: 0, max: 8 }));
const messyOp = fc.record({
  process: fc.nat(2),
  f: fc.constantFrom("send", "poll", "txn"),
  type: fc.constantFrom("ok", "ok", "info", "fail"),
  sends: fc.array(fc.tuple(partitionName, record), { maxLength: 3 }),
  polls: fc.dictionary(partitionName, fc.array(record, { maxLength: 5 }), { maxKeys: 3 }),
  revoked: fc.option(fc.array(partitionName, { maxLength: 2 }), { nil: undefined }),
});

type MessyOp = typeof messyOp extends fc.Arbitrary<infer T> ? T : never;

/** Each operation as an invocation and its completion. */
function messyHistory(ops: MessyOp[]): HistoryEvent[] {
  const events: Record<string, unknown>[] = [];
  for (const op of ops) {
    const value = [...op.sends.map(([p, [offset, v]]) => ["send", p, [offset, v]]), ["poll", op.polls]];
    events.push({ index: events.length, process: op.process, type: "invoke", f: op.f, value });
    const rebalance = op.revoked && [{ type: "revoked", partitions: op.revoked }];
    events.push({ index: events.length, process: op.process, type: op.type, f: op.f, value, ...(rebalance && { rebalance }) });
  }
  return events as unknown as HistoryEvent[];
}

const step = fc.record({
  process: fc.nat(3),
  action: fc.constantFrom("send", "poll", "poll", "txn", "assign", "crash"),
  pick: fc.nat(4096),
  outcome: fc.constantFrom("ok", "ok", "info-applied", "info-lost", "fail"),
  completeNow: fc.boolean(),
}) as fc.Arbitrary<ModelStep>;

/** Any of both kinds. */
export const histories: fc.Arbitrary<HistoryEvent[]> = fc.oneof(
  fc.array(messyOp, { maxLength: 30 }).map(messyHistory),
  fc.record({ steps: fc.array(step, { maxLength: 80 }), partitions: fc.integer({ min: 1, max: 3 }) }).map(({ steps, partitions }) => simulate(steps, { partitions })),
);

/** Indexes a whole history. */
export function indexHistory(events: readonly HistoryEvent[]): HistoryIndex {
  const index = new HistoryIndex();
  for (const event of events) index.add(event);
  return index.finish();
}
