// unstable-key-partition (kconform): the partitioner put one key into two partitions of a topic
// while its partition count stayed the same. The client hashes the key modulo the partition
// count it learned from the broker, so this points at metadata that misreported the topic.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { Names } from "./names.ts";
import { Kind, Outcome } from "./op-table.ts";

interface Placement {
  partition: number;
  op: number;
}

export const keyPartition: Analysis = {
  name: "key-partition",
  run(index, findings) {
    const { names, ops } = index;
    const writes = index.writes;
    // Topic to key to where it went since the topic's partition count last changed.
    const placements = new Map<number, Map<string, Placement>>();
    const reported = new Set<string>();
    for (let row = 0; row < ops.length; row++) {
      const extras = ops.extrasOf(row);
      if (ops.kind[row] === Kind.createPartitions) {
        for (const topic of extras.targets ?? []) placements.delete(topic);
        continue;
      }
      const keys = extras.keys;
      if (keys === undefined || ops.outcome[row] !== Outcome.ok) continue;
      const op = ops.index[row];
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        if (key === null) continue;
        const partition = writes.at(ops.writeFrom[row] + k * 3);
        const topic = names.topicOf(partition);
        let byKey = placements.get(topic);
        if (byKey === undefined) {
          byKey = new Map();
          placements.set(topic, byKey);
        }
        const first = byKey.get(key);
        if (first === undefined) {
          byKey.set(key, { partition, op });
          continue;
        }
        if (first.partition === partition) continue;
        const tag = `${topic}\u0000${key}\u0000${first.partition}\u0000${partition}`;
        if (reported.has(tag)) continue;
        reported.add(tag);
        reportMove(findings, names, topic, key, first, partition, op);
      }
    }
  },
};

/** Kept out of the loop over sends, which then allocates nothing. */
function reportMove(findings: Findings, names: Names, topic: number, key: string, first: Placement, partition: number, op: number): void {
  findings.report("unstable-key-partition", () => ({
    explanation: `Key ${JSON.stringify(key)} of topic ${names.name(topic)} went to ${names.name(first.partition)} (op ${first.op}) and later to ${names.name(partition)} (op ${op}), although the topic's partition count did not change.`,
    ops: evidence(first.op, op),
    partition: names.name(partition),
    key,
  }));
}
