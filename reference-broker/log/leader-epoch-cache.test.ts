// Leader epoch bookkeeping as Kafka's LeaderEpochFileCache does it, and its checkpoint format.
import { describe, expect, it } from "vitest";
import { formatEpochCheckpoint, LeaderEpochCache, parseEpochCheckpoint, type EpochEntry } from "./leader-epoch-cache.ts";

function cache(entries: EpochEntry[] = []): { cache: LeaderEpochCache; writes: EpochEntry[][] } {
  const writes: EpochEntry[][] = [];
  return { cache: new LeaderEpochCache(entries, (e) => writes.push([...e])), writes };
}

describe("LeaderEpochCache", () => {
  it("assigns new epochs and persists only changes", () => {
    const { cache: c, writes } = cache();
    expect(c.assign(0, 0)).toBe(true);
    expect(c.assign(0, 5)).toBe(false);
    expect(c.assign(2, 10)).toBe(true);
    expect(c.entries()).toEqual([{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 10 }]);
    expect(writes).toHaveLength(2);
    expect(c.latestEntry()).toEqual({ epoch: 2, startOffset: 10 });
    expect(c.earliestEntry()).toEqual({ epoch: 0, startOffset: 0 });
  });

  it("drops entries that a new assignment makes non-monotonic", () => {
    const { cache: c } = cache([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 20 },
    ]);
    c.assign(2, 15);
    expect(c.entries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 15 }]);
    c.assign(2, 12);
    expect(c.entries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 12 }]);
    expect(() => c.assign(-1, 0)).toThrow(RangeError);
  });

  it("answers end offsets per epoch as OffsetForLeaderEpoch needs them", () => {
    const { cache: c } = cache([
      { epoch: 2, startOffset: 5 },
      { epoch: 4, startOffset: 20 },
      { epoch: 7, startOffset: 40 },
    ]);
    expect(c.endOffsetFor(7, 55)).toEqual({ epoch: 7, endOffset: 55 });
    expect(c.endOffsetFor(4, 55)).toEqual({ epoch: 4, endOffset: 40 });
    expect(c.endOffsetFor(5, 55)).toEqual({ epoch: 4, endOffset: 40 });
    expect(c.endOffsetFor(1, 55)).toEqual({ epoch: 1, endOffset: 5 });
    expect(c.endOffsetFor(9, 55)).toEqual({ epoch: -1, endOffset: -1 });
    expect(c.endOffsetFor(-1, 55)).toEqual({ epoch: -1, endOffset: -1 });
    expect(cache().cache.endOffsetFor(0, 0)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it("maps offsets to epochs", () => {
    const { cache: c } = cache([
      { epoch: 2, startOffset: 5 },
      { epoch: 4, startOffset: 20 },
    ]);
    expect([0, 5, 19, 20, 99].map((o) => c.epochForOffset(o))).toEqual([undefined, 2, 2, 4, 4]);
  });

  it("truncates from the end after a log truncation", () => {
    const { cache: c, writes } = cache([
      { epoch: 2, startOffset: 5 },
      { epoch: 4, startOffset: 20 },
    ]);
    c.truncateFromEnd(21);
    expect(writes).toHaveLength(0);
    c.truncateFromEnd(20);
    expect(c.entries()).toEqual([{ epoch: 2, startOffset: 5 }]);
  });

  it("truncates from the start, moving the covering entry up to the new log start", () => {
    const { cache: c, writes } = cache([
      { epoch: 2, startOffset: 5 },
      { epoch: 4, startOffset: 20 },
      { epoch: 6, startOffset: 30 },
    ]);
    c.truncateFromStart(25);
    expect(c.entries()).toEqual([{ epoch: 4, startOffset: 25 }, { epoch: 6, startOffset: 30 }]);
    c.truncateFromStart(25);
    c.truncateFromStart(3);
    expect(writes).toHaveLength(1);
  });

  it("round-trips Kafka's checkpoint text and refuses anything else", () => {
    const entries = [
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 1234567890123 },
    ];
    const text = formatEpochCheckpoint(entries);
    expect(text).toBe("0\n2\n0 0\n3 1234567890123\n");
    expect(parseEpochCheckpoint(text)).toEqual(entries);
    expect(parseEpochCheckpoint("0\n3\n0 0\n")).toBeUndefined();
    expect(parseEpochCheckpoint("1\n0\n")).toBeUndefined();
    expect(parseEpochCheckpoint("0\n1\n0 x\n")).toBeUndefined();
  });
});
