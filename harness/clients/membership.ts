// What a consumer owns, how far it has polled, and the ownership changes the history must report:
// eager rebalancing revokes everything a member owned and then assigns the new generation's
// partitions. Positions start afresh with each generation (the client resumes from the group's
// committed offsets then), so a commit never sends a position from before a rebalance.
// Changes accumulate until the worker's next completion carries them.
import type { PartitionName, RebalanceEvent } from "../history/types.ts";

export interface MembershipChanges {
  rebalance?: RebalanceEvent[];
  generation?: number;
}

export class Membership {
  private owned: PartitionName[] = [];
  private generation: number | undefined;
  private pending: RebalanceEvent[] = [];
  /** Next offset to consume per partition, as polled in this generation. */
  private readonly positions = new Map<PartitionName, number>();

  /**
   * @param grouped true for real group members; false for consumers that only borrow a private
   * group to emulate assign, whose generations mean nothing to the history.
   */
  constructor(private readonly grouped: boolean) {}

  /** The member joined a generation and was given `partitions`. */
  joined(partitions: readonly PartitionName[], generation: number | undefined): void {
    if (this.owned.length > 0) this.pending.push({ type: "revoked", partitions: this.owned });
    this.positions.clear();
    this.owned = [...partitions].sort();
    this.generation = this.grouped ? generation : undefined;
    this.pending.push({ type: "assigned", partitions: this.owned, ...(this.generation !== undefined ? { generation: this.generation } : {}) });
  }

  /** The member left its group or crashed: it owns nothing any more. */
  left(): void {
    if (this.owned.length > 0) this.pending.push({ type: "revoked", partitions: this.owned });
    this.owned = [];
    this.positions.clear();
    this.generation = undefined;
  }

  /** A new generation is being set up: positions polled so far no longer say where the client resumes. */
  forgetPositions(): void {
    this.positions.clear();
  }

  /** A poll returned `partition` up to `offset`. */
  polled(partition: PartitionName, offset: number): void {
    if (offset + 1 > (this.positions.get(partition) ?? -1)) this.positions.set(partition, offset + 1);
  }

  /** What a commit sends: the position of every owned partition polled in this generation. */
  committable(): Record<PartitionName, number> {
    const offsets: Record<PartitionName, number> = {};
    for (const [partition, offset] of this.positions) if (this.owns(partition)) offsets[partition] = offset;
    return offsets;
  }

  owns(partition: PartitionName): boolean {
    return this.owned.includes(partition);
  }

  /** The changes since the previous call, and the current generation of a group member. */
  take(): MembershipChanges {
    const rebalance = this.pending;
    this.pending = [];
    return {
      ...(rebalance.length > 0 ? { rebalance } : {}),
      ...(this.generation !== undefined ? { generation: this.generation } : {}),
    };
  }
}
