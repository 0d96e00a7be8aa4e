// immutabilityViolations: reads that agree with what was acknowledged pass; a record that changed
// between readers, a timestamp rewritten, or offsets handed out out of order fail with the evidence.
import { describe, expect, it } from "vitest";
import type { ReadRecord } from "./kit/clients.ts";
import type { AckedRecord } from "./kit/records.ts";
import { immutabilityViolations, type NamedRead } from "./offsets-immutable.ts";

const acked: AckedRecord[] = [
  { key: "k", value: "a0", partition: 0, offset: 0, timestamp: 10 },
  { key: null, value: "a1", partition: 1, offset: 0, timestamp: 11 },
  { key: "k", value: "a2", partition: 0, offset: 1, timestamp: 12 },
  { key: null, value: "b0", partition: 0, offset: 2, timestamp: 13 },
];
const asRead = (records: readonly AckedRecord[]): Map<number, ReadRecord[]> => {
  const read = new Map<number, ReadRecord[]>();
  for (const r of records) read.set(r.partition, [...(read.get(r.partition) ?? []), { partition: r.partition, offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp ?? 0 }]);
  return read;
};
const reads = (again = asRead(acked)): NamedRead[] => [
  { reader: "the first reader", ackedBefore: 3, records: asRead(acked.slice(0, 3)) },
  { reader: "the second reader", ackedBefore: 3, records: asRead(acked.slice(0, 3)) },
  { reader: "the re-read", ackedBefore: 4, records: again },
];

describe("immutabilityViolations", () => {
  it("passes reads that agree with each other and with what was acknowledged", () => {
    expect(immutabilityViolations(acked, reads())).toEqual([]);
  });

  it("reports an offset whose record changed for a later reader", () => {
    const changed = asRead(acked.map((r) => (r.offset === 1 && r.partition === 0 ? { ...r, value: "rewritten" } : r)));
    const violations = immutabilityViolations(acked, reads(changed));
    expect(violations).toContain('key "k" value "a2" was acknowledged at partition 0 offset 1, but the re-read holds key "k" value "rewritten" there');
    expect(violations).toContain('offset 1 of partition 0 holds key "k" value "a2" at timestamp 12 for the first reader, but key "k" value "rewritten" at timestamp 12 for the re-read');
  });

  it("reports a timestamp that changed", () => {
    const retimed = asRead(acked.map((r) => (r.value === "a0" ? { ...r, timestamp: 99 } : r)));
    expect(immutabilityViolations(acked, reads(retimed))).toContain('key "k" value "a0" was sent with timestamp 10 and acknowledged at partition 0 offset 0, but the re-read reads timestamp 99');
  });

  it("reports offsets that did not increase in send order", () => {
    const sent: AckedRecord[] = [
      { key: null, value: "x", partition: 0, offset: 0 },
      { key: null, value: "y", partition: 0, offset: 2 },
      { key: null, value: "z", partition: 0, offset: 1 },
    ];
    expect(immutabilityViolations(sent, [])).toEqual(['key null value "z" was acknowledged at offset 1 of partition 0, not after key null value "y" sent before it at offset 2']);
  });

  it("reports a record missing from a reader that began after it was acknowledged", () => {
    const missing = asRead(acked.filter((r) => r.value !== "b0"));
    expect(immutabilityViolations(acked, reads(missing))).toEqual(['key null value "b0" was acknowledged at partition 0 offset 2, but the re-read has no record there']);
  });
});
