// at-least-once on doctored histories: repeats after a crash pass, a record nobody processed fails,
// and so does a record processed with a value that was never written at its offset.
import { describe, expect, it } from "vitest";
import { AT_LEAST_ONCE_ALLOWED } from "./at-least-once-delivery.ts";
import { deliveryViolations, type ProcessedRecord, type ProducedRecord } from "./kit/groups.ts";

const produced: ProducedRecord[] = [0, 1, 2, 3].map((offset) => ({ partition: 0, offset, value: `v${offset}` }));
const processing = (by: string, ...offsets: number[]): ProcessedRecord[] => offsets.map((offset) => ({ partition: 0, offset, value: `v${offset}`, by }));

describe("at-least-once", () => {
  it("allows the records after the last commit to be processed again by the replacement", () => {
    expect(deliveryViolations(produced, [...processing("first", 0, 1, 2), ...processing("replacement", 1, 2, 3)], AT_LEAST_ONCE_ALLOWED)).toEqual([]);
  });

  it("reports a record the replacement skipped", () => {
    expect(deliveryViolations(produced, [...processing("first", 0, 1), ...processing("replacement", 3)], AT_LEAST_ONCE_ALLOWED)).toEqual(["v2 (partition 0, offset 2) was never processed"]);
  });

  it("reports a processed value that was never written at its offset", () => {
    const doctored = [...processing("first", 0, 1, 2, 3), { partition: 0, offset: 2, value: "v9", by: "replacement" }];
    expect(deliveryViolations(produced, doctored, AT_LEAST_ONCE_ALLOWED)).toEqual(['replacement processed "v9" at partition 0, offset 2, which holds no such record']);
  });
});
