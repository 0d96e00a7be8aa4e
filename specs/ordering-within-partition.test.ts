// orderingViolations: a log written as sent passes; a partition that reorders a producer's records
// or puts an acknowledged record after a later one fails with the evidence; partitions are never
// compared with each other.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReadRecord } from "./kit/clients.ts";
import { orderingViolations, type OrderedSend } from "./ordering-within-partition.ts";

/** A log that appends each send when it is acknowledged, and its read-back. */
function appendInAckOrder(sends: Omit<OrderedSend, "offset">[]): { sent: OrderedSend[]; read: Map<number, ReadRecord[]> } {
  const next = new Map<number, number>();
  const sent = [...sends].sort((a, b) => a.ackedAt - b.ackedAt).map((s) => {
    const offset = next.get(s.partition) ?? 0;
    next.set(s.partition, offset + 1);
    return { ...s, offset };
  });
  const read = new Map<number, ReadRecord[]>();
  for (const s of sent) read.set(s.partition, [...(read.get(s.partition) ?? []), { partition: s.partition, offset: s.offset, key: s.key, value: s.value, timestamp: 0 }]);
  return { sent, read };
}

/** Sends of up to three producers, each one at a time; acknowledgements interleave arbitrarily across producers. */
const history = fc
  .array(fc.record({ producer: fc.nat({ max: 2 }), partition: fc.nat({ max: 2 }), wait: fc.nat({ max: 5 }), latency: fc.nat({ max: 5 }) }), { minLength: 2, maxLength: 20 })
  .map((steps) => {
    const free = [0, 0, 0];
    const seqs = [0, 0, 0];
    return steps.map((step, i) => {
      const sentAt = free[step.producer] + step.wait;
      const ackedAt = sentAt + 1 + step.latency;
      free[step.producer] = ackedAt + 1;
      return { key: null, value: `v${i}`, partition: step.partition, producer: step.producer, seq: seqs[step.producer]++, sentAt, ackedAt };
    });
  });

describe("orderingViolations", () => {
  it("finds nothing wrong in a log that appended every record as it was acknowledged", () => {
    fc.assert(fc.property(history, (sends) => {
      const { sent, read } = appendInAckOrder(sends);
      expect(orderingViolations(sent, read)).toEqual([]);
    }), { numRuns: 200 });
  });

  it("reports a producer's two records written in the wrong order", () => {
    const { sent, read } = appendInAckOrder([
      { key: null, value: "first", partition: 0, producer: 0, seq: 0, sentAt: 0, ackedAt: 1 },
      { key: null, value: "second", partition: 0, producer: 0, seq: 1, sentAt: 2, ackedAt: 3 },
    ]);
    const swapped = sent.map((s) => ({ ...s, offset: 1 - s.offset }));
    const readSwapped = new Map([[0, [...(read.get(0) ?? [])].reverse().map((r, offset) => ({ ...r, offset }))]]);
    expect(orderingViolations(swapped, readSwapped)).toEqual([expect.stringMatching(/producer 0 sent key null value "first" before key null value "second" to partition 0, but they were written at offsets 1 and 0/)]);
  });

  it("reports a record acknowledged before another producer's was sent, yet written after it", () => {
    const sent: OrderedSend[] = [
      { key: null, value: "early", partition: 1, offset: 1, producer: 0, seq: 0, sentAt: 0, ackedAt: 1 },
      { key: null, value: "late", partition: 1, offset: 0, producer: 1, seq: 0, sentAt: 2, ackedAt: 3 },
    ];
    const read = new Map([[1, [{ partition: 1, offset: 0, key: null, value: "late", timestamp: 0 }, { partition: 1, offset: 1, key: null, value: "early", timestamp: 0 }]]]);
    expect(orderingViolations(sent, read)).toEqual([expect.stringMatching(/"early" \(producer 0\) was acknowledged at offset 1 of partition 1 before key null value "late" \(producer 1\) was sent, yet that one was written at offset 0/)]);
  });

  it("promises no order across partitions", () => {
    const sent: OrderedSend[] = [
      { key: null, value: "a", partition: 0, offset: 5, producer: 0, seq: 0, sentAt: 0, ackedAt: 1 },
      { key: null, value: "b", partition: 1, offset: 0, producer: 0, seq: 1, sentAt: 2, ackedAt: 3 },
    ];
    const read = new Map([[0, [{ partition: 0, offset: 5, key: null, value: "a", timestamp: 0 }]], [1, [{ partition: 1, offset: 0, key: null, value: "b", timestamp: 0 }]]]);
    expect(orderingViolations(sent, read)).toEqual([]);
  });

  it("reports a read-back that returns a partition out of offset order", () => {
    const sent: OrderedSend[] = [0, 1].map((offset) => ({ key: null, value: `v${offset}`, partition: 0, offset, producer: 0, seq: offset, sentAt: 2 * offset, ackedAt: 2 * offset + 1 }));
    const read = new Map([[0, [1, 0].map((offset) => ({ partition: 0, offset, key: null, value: `v${offset}`, timestamp: 0 }))]]);
    expect(orderingViolations(sent, read)).toEqual(["the read-back of partition 0 returned offset 0 after offset 1"]);
  });
});
