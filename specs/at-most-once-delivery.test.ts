// at-most-once on doctored histories: the record committed but never processed at the crash may be
// lost, but a record processed by both the crashed consumer and its replacement is a violation.
import { describe, expect, it } from "vitest";
import { AT_MOST_ONCE_ALLOWED } from "./at-most-once-delivery.ts";
import { deliveryViolations, type ProcessedRecord, type ProducedRecord } from "./kit/groups.ts";

const produced: ProducedRecord[] = [0, 1, 2, 3].map((offset) => ({ partition: 1, offset, value: `v${offset}` }));
const processing = (by: string, ...offsets: number[]): ProcessedRecord[] => offsets.map((offset) => ({ partition: 1, offset, value: `v${offset}`, by }));

describe("at-most-once", () => {
  it("allows the record committed before the crash to be lost", () => {
    expect(deliveryViolations(produced, [...processing("first", 0, 1), ...processing("replacement", 3)], AT_MOST_ONCE_ALLOWED)).toEqual([]);
  });

  it("reports a record processed twice", () => {
    expect(deliveryViolations(produced, [...processing("first", 0, 1), ...processing("replacement", 1, 2, 3)], AT_MOST_ONCE_ALLOWED)).toEqual([
      "v1 (partition 1, offset 1) was processed 2 times, by first, replacement",
    ]);
  });
});
