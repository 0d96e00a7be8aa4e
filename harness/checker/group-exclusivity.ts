// nonexclusive-assignment (kconform): two members of one consumer group were told they own the
// same partition in the same generation. A generation's assignment gives each partition to at
// most one member, so this breaks the group's exclusivity promise.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { Names } from "./names.ts";
import type { RebalanceFact } from "./op-table.ts";
import { ProcessGroups, groupName } from "./process-groups.ts";

interface Owner {
  process: number;
  op: number;
}

/** Group and generation to partition to its first owner (null once reported). */
type Owners = Map<string, Map<number, Owner | null>>;

export const groupExclusivity: Analysis = {
  name: "group-exclusivity",
  run(index, findings) {
    const { names, ops } = index;
    const groups = new ProcessGroups(index);
    const owners: Owners = new Map();
    for (let row = 0; row < ops.length; row++) {
      groups.observe(row);
      const rebalance = ops.extrasOf(row).rebalance;
      if (rebalance === undefined || ops.process[row] < 0) continue;
      assign(owners, rebalance, groups.of(row), ops.process[row], ops.index[row], names, findings);
    }
  },
};

/** Records what one operation's rebalance assigned, reporting partitions another member already owns. */
function assign(owners: Owners, rebalance: readonly RebalanceFact[], group: string, process: number, op: number, names: Names, findings: Findings): void {
  for (const fact of rebalance) {
    const generation = fact.generation;
    if (!fact.assigned || generation === undefined) continue;
    const key = `${group}\u0000${generation}`;
    let ownerOf = owners.get(key);
    if (ownerOf === undefined) {
      ownerOf = new Map();
      owners.set(key, ownerOf);
    }
    for (const partition of fact.partitions) {
      const owner = ownerOf.get(partition);
      if (owner === undefined) {
        ownerOf.set(partition, { process, op });
        continue;
      }
      if (owner === null || owner.process === process) continue;
      ownerOf.set(partition, null);
      findings.report("nonexclusive-assignment", () => {
        const name = names.name(partition);
        return {
          explanation: `Processes ${owner.process} and ${process} of ${groupName(group)} were both assigned ${name} in generation ${generation} (ops ${owner.op} and ${op}).`,
          ops: evidence(owner.op, op),
          partition: name,
          group,
          generation,
          processes: [owner.process, process],
        };
      });
    }
  }
}
