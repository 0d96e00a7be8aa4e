// The one anomaly shape of an order gap, for the analyses that find them (poll-order,
// internal-poll-order, internal-send-order): two records that should sit next to each other in a
// partition's version order are `delta` positions apart. More than one apart is a skip, shown with
// the records in between; one or fewer is a repeat or a step back. Only the sentences differ.
import { list, type Findings } from "./analysis.ts";
import type { AnomalyType } from "./anomalies.ts";
import type { VersionOrder } from "./version-order.ts";

/** Skipped records named in the evidence; the sentence ends with ", ..." past these. */
const SKIPPED_SHOWN = 8;

export interface OrderGap {
  /** The anomaly for a gap of more than one position, and for a repeat or a step back. */
  skip: AnomalyType;
  backwards: AnomalyType;
  partition: string;
  /** The process whose operations the gap lies between, when the gap spans operations. */
  process?: number;
  previous: number;
  value: number;
  delta: number;
  ops: number[];
}

export interface GapSentences {
  /** A skip, given the skipped records as "17, 18 and 19" (", ..." appended past SKIPPED_SHOWN). */
  skipped(records: string): string;
  /** delta 0: the same position twice. */
  repeated(): string;
  /** delta below 0. */
  backwards(): string;
}

/** Reports `gap` (delta != 1) as a skip or a step back; call it only on a gap, off the hot loop. */
export function reportOrderGap(findings: Findings, order: VersionOrder, gap: OrderGap, say: GapSentences): void {
  const { partition, process, previous, value, delta, ops } = gap;
  const who = { ops, partition, ...(process !== undefined ? { process } : {}) };
  if (delta > 1) {
    findings.report(gap.skip, () => {
      const skipped = order.between(previous, value, SKIPPED_SHOWN);
      const records = `${list(skipped)}${delta - 1 > skipped.length ? ", ..." : ""}`;
      return { explanation: say.skipped(records), ...who, values: [previous, value], delta, skipped };
    });
  } else {
    findings.report(gap.backwards, () => ({ explanation: delta === 0 ? say.repeated() : say.backwards(), ...who, values: [previous, value], delta }));
  }
}
