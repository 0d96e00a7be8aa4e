// What the leader knows about every replica of the metadata log: how far each voter has
// acknowledged (its fetch offset), when it was last heard from, and what it was last told the high
// watermark is. The high watermark is the largest offset a majority of voters holds durably;
// observers (brokers) are tracked for DescribeQuorum but never count.

export interface ReplicaProgress {
  replicaId: number;
  /** Log end offset the replica has acknowledged; -1 until it fetched in this epoch. */
  endOffset: number;
  /** Monotonic ms of its last fetch (or of the leader's election, as a grace period). */
  lastContactMs: number;
  /** Wall-clock ms of its last fetch, and of the last fetch that reached the leader's end; -1 for never. */
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
  /** The high watermark the last response to it carried. */
  highWatermarkSent: number;
}

function fresh(replicaId: number, nowMs: number): ReplicaProgress {
  return { replicaId, endOffset: -1, lastContactMs: nowMs, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1, highWatermarkSent: -1 };
}

export class LeaderProgress {
  readonly voters = new Map<number, ReplicaProgress>();
  readonly observers = new Map<number, ReplicaProgress>();

  constructor(
    private readonly localId: number,
    voterIds: Iterable<number>,
    nowMs: number,
  ) {
    for (const id of voterIds) this.voters.set(id, fresh(id, nowMs));
  }

  /** The leader's own durable log end. */
  updateLocal(endOffset: number, nowMs: number, wallClockMs: number): void {
    const local = this.voters.get(this.localId);
    if (local) Object.assign(local, { endOffset, lastContactMs: nowMs, lastFetchTimestamp: wallClockMs, lastCaughtUpTimestamp: wallClockMs });
  }

  /** A fetch at fetchOffset acknowledges everything below it. */
  recordFetch(replicaId: number, fetchOffset: number, leaderEndOffset: number, nowMs: number, wallClockMs: number): ReplicaProgress {
    let progress = this.voters.get(replicaId) ?? this.observers.get(replicaId);
    if (!progress) this.observers.set(replicaId, (progress = fresh(replicaId, nowMs)));
    progress.endOffset = fetchOffset;
    progress.lastContactMs = nowMs;
    progress.lastFetchTimestamp = wallClockMs;
    if (fetchOffset >= leaderEndOffset) progress.lastCaughtUpTimestamp = wallClockMs;
    return progress;
  }

  /** A voter was heard from without acknowledging anything (it is truncating or fetching a snapshot). */
  recordContact(replicaId: number, nowMs: number): void {
    const progress = this.voters.get(replicaId);
    if (progress) progress.lastContactMs = nowMs;
  }

  progressOf(replicaId: number): ReplicaProgress | undefined {
    return this.voters.get(replicaId) ?? this.observers.get(replicaId);
  }

  /** The offset a majority of voters has reached: the candidate high watermark. */
  majorityEndOffset(): number {
    const ends = [...this.voters.values()].map((p) => p.endOffset).sort((a, b) => b - a);
    return ends[Math.floor(ends.length / 2)];
  }

  /** Whether a majority of voters (the leader included) was heard from within the window. */
  hasMajorityContact(nowMs: number, windowMs: number): boolean {
    const recent = [...this.voters.values()].filter((p) => p.replicaId === this.localId || nowMs - p.lastContactMs <= windowMs).length;
    return recent > this.voters.size / 2;
  }

  /** Voters other than the leader, most caught up first: the preferred successors when it resigns. */
  successors(): number[] {
    return [...this.voters.values()]
      .filter((p) => p.replicaId !== this.localId)
      .sort((a, b) => b.endOffset - a.endOffset || a.replicaId - b.replicaId)
      .map((p) => p.replicaId);
  }
}
