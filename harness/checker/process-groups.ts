// Which consumer group each process is in: named by its latest subscribe, unless an operation
// names its group itself. Histories with a single group may leave groups unnamed.
import { DEFAULT_GROUP, type HistoryIndex } from "./history-index.ts";
import { Kind, Outcome } from "./op-table.ts";

export class ProcessGroups {
  private readonly groups = new Map<number, string>();

  constructor(private readonly index: HistoryIndex) {}

  /** Call for every operation, in history order. */
  observe(row: number): void {
    const { ops } = this.index;
    if (ops.kind[row] === Kind.subscribe && ops.outcome[row] !== Outcome.fail) this.groups.set(ops.process[row], this.index.groupOf(row));
  }

  of(row: number): string {
    const named = this.index.groupOf(row);
    return named !== DEFAULT_GROUP ? named : (this.groups.get(this.index.ops.process[row]) ?? DEFAULT_GROUP);
  }
}

/** How sentences name a group. */
export function groupName(group: string): string {
  return group === DEFAULT_GROUP ? "the consumer group" : `group "${group}"`;
}
