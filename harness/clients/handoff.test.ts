// The pull adapter: batches wait for a poll, a poll takes everything offered (or waits a bounded
// time for the first offer), and withdrawn batches never reach a poll.
import { describe, expect, it } from "vitest";
import { Handoff } from "./handoff.ts";

describe("Handoff", () => {
  it("hands everything offered to the next take, in order, and tells each offer it was taken", async () => {
    const handoff = new Handoff<string>();
    const a = handoff.offer("a");
    const b = handoff.offer("b");
    expect(handoff.pending("a")).toBe(true);
    expect(await handoff.take(1_000)).toEqual(["a", "b"]);
    expect(await a).toBe("taken");
    expect(await b).toBe("taken");
    expect(handoff.pending("a")).toBe(false);
  });

  it("waits for the first offer, and comes back empty when none arrives in time", async () => {
    const handoff = new Handoff<number>();
    const waiting = handoff.take(5_000);
    setTimeout(() => void handoff.offer(7), 5);
    expect(await waiting).toEqual([7]);
    expect(await handoff.take(10)).toEqual([]);
    expect(await handoff.take(0)).toEqual([]);
  });

  it("never hands out withdrawn offers, and withdrawAll also ends a waiting take", async () => {
    const handoff = new Handoff<string>();
    const stale = handoff.offer("stale");
    handoff.withdraw("stale");
    expect(await stale).toBe("withdrawn");
    const waiting = handoff.take(5_000);
    const late = handoff.offer("late");
    handoff.withdrawAll();
    expect(await late).toBe("withdrawn");
    expect(await waiting).toEqual([]);
  });
});
