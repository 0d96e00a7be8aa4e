// Equivalence of the shared per-record positions, and of the poll-order analyses built on them, with
// straightforward lookups through the version order, on model histories and on messy ones
// (conflicting offsets, duplicated values, records without offsets, interleaved processes).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Anomaly, AnomalyType } from "./anomalies.ts";
import type { Analysis } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";
import { internalPollOrder } from "./internal-poll-order.ts";
import { isMembership, isMicroOps, Kind, Outcome } from "./op-table.ts";
import { pollOrder } from "./poll-order.ts";
import { histories, indexHistory } from "./test-histories.ts";

function findingsOf(analysis: Analysis, index: HistoryIndex): [AnomalyType, Anomaly][] {
  const found: [AnomalyType, Anomaly][] = [];
  analysis.run(index, { report: (type, describe) => found.push([type, describe()]) });
  return found;
}

/** internal-poll-order as Jepsen states it, one version-order lookup per pair of records. */
function internalPollGaps(index: HistoryIndex): [AnomalyType, number[], number][] {
  const { ops, reads, names } = index;
  const gaps: [AnomalyType, number[], number][] = [];
  for (let row = 0; row < ops.length; row++) {
    const rebalanced = (ops.extrasOf(row).rebalance ?? []).flatMap((fact) => fact.partitions);
    const previous = new Map<number, number>();
    for (let i = ops.readFrom[row]; i < ops.readTo[row]; i += 3) {
      const [partition, value] = [reads.at(i), reads.at(i + 2)];
      const before = previous.get(partition);
      previous.set(partition, value);
      if (before === undefined || rebalanced.some((target) => names.covers(target, partition))) continue;
      const delta = index.log(partition).versionOrder().distance(before, value);
      if (delta !== 1) gaps.push([delta > 1 ? "int-poll-skip" : "int-nonmonotonic-poll", [before, value], delta]);
    }
  }
  return gaps;
}

/** poll-order with a map of values per process and version-order lookups by value. */
function pollGaps(index: HistoryIndex): [AnomalyType, number[], number, number][] {
  const { ops, reads, names } = index;
  const gaps: [AnomalyType, number[], number, number][] = [];
  const lastSeen = new Map<number, Map<number, number>>();
  const forget = (process: number, keep: (partition: number) => boolean) => {
    for (const partition of lastSeen.get(process)?.keys() ?? []) if (!keep(partition)) lastSeen.get(process)!.delete(partition);
  };
  const covered = (targets: readonly number[], partition: number) => targets.some((target) => names.covers(target, partition));
  for (let row = 0; row < ops.length; row++) {
    const [process, kind, outcome, extras] = [ops.process[row], ops.kind[row], ops.outcome[row], ops.extrasOf(row)];
    if (process < 0) continue;
    if (kind === Kind.crash) forget(process, () => false);
    if (isMembership(kind) && outcome !== Outcome.fail) forget(process, (p) => !extras.seekToBeginning && covered(extras.targets ?? [], p));
    for (const fact of extras.rebalance ?? []) forget(process, (p) => !covered(fact.partitions, p));
    const polled = new Map<number, number[]>();
    if (isMicroOps(kind)) for (let i = ops.readFrom[row]; i < ops.readTo[row]; i += 3) polled.set(reads.at(i), [...(polled.get(reads.at(i)) ?? []), reads.at(i + 2)]);
    for (const [partition, values] of polled) {
      const seen = lastSeen.get(process)?.get(partition);
      if (seen !== undefined) {
        const delta = index.log(partition).versionOrder().distance(seen, values[0]);
        if (delta !== 1) gaps.push([delta > 1 ? "poll-skip" : "nonmonotonic-poll", [seen, values[0]], delta, process]);
      }
      if (outcome === Outcome.ok) lastSeen.set(process, (lastSeen.get(process) ?? new Map()).set(partition, values[values.length - 1]));
    }
    if (outcome === Outcome.info) lastSeen.delete(process);
  }
  return gaps;
}

describe("positions of polled records", () => {
  it("equal Jepsen's by-value lookup in the partition's version order", () => {
    fc.assert(
      fc.property(histories, (events) => {
        const index = indexHistory(events);
        const positions = index.readPositions();
        expect(positions.length).toBe(index.reads.length / 3);
        for (let i = 0; i < index.reads.length; i += 3) {
          const expected = index.log(index.reads.at(i)).versionOrder().indexOf(index.reads.at(i + 2)) ?? -1;
          expect(positions[i / 3]).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("give internal-poll-order the findings of a pairwise lookup", () => {
    fc.assert(
      fc.property(histories, (events) => {
        const index = indexHistory(events);
        const found = findingsOf(internalPollOrder, index).map(([type, anomaly]) => [type, anomaly.values, anomaly.delta]);
        expect(found).toEqual(internalPollGaps(index));
      }),
      { numRuns: 300 },
    );
  });

  it("give poll-order the findings of lookups by value", () => {
    fc.assert(
      fc.property(histories, (events) => {
        const index = indexHistory(events);
        const found = findingsOf(pollOrder, index).map(([type, anomaly]) => [type, anomaly.values, anomaly.delta, anomaly.process]);
        expect(found).toEqual(pollGaps(index));
      }),
      { numRuns: 300 },
    );
  });
});
