// The purgatory: an operation completes when a change on one of its keys satisfies it, expires
// when its time is up, and everything parked is released on shutdown.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../io/clock.ts";
import { DelayedOperations } from "./delayed-operations.ts";

describe("delayed operations", () => {
  it("completes on a change that satisfies it, not on others", async () => {
    const clock = new ManualClock();
    const purgatory = new DelayedOperations(clock);
    let bytes = 0;
    const done = purgatory.wait({ keys: ["t-0", "t-1"], isSatisfied: () => bytes >= 10 }, 500);
    purgatory.checkAndComplete("t-0");
    expect(purgatory.parkedCount).toBe(1);
    bytes = 10;
    purgatory.checkAndComplete("other-0");
    expect(purgatory.parkedCount).toBe(1);
    purgatory.checkAndComplete("t-1");
    expect(await done).toBe(false);
    expect(purgatory.parkedCount).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("answers at once when already satisfied, and expires otherwise", async () => {
    const clock = new ManualClock();
    const purgatory = new DelayedOperations(clock);
    expect(await purgatory.wait({ keys: ["t-0"], isSatisfied: () => true }, 500)).toBe(false);
    const expiring = purgatory.wait({ keys: ["t-0"], isSatisfied: () => false }, 500);
    clock.advance(499);
    expect(purgatory.parkedCount).toBe(1);
    clock.advance(1);
    expect(await expiring).toBe(true);
    expect(purgatory.parkedCount).toBe(0);
  });

  it("releases everything on shutdown and parks nothing after", async () => {
    const purgatory = new DelayedOperations(new ManualClock());
    const parked = purgatory.wait({ keys: ["t-0"], isSatisfied: () => false }, 60_000);
    purgatory.shutdown();
    expect(await parked).toBe(true);
    expect(await purgatory.wait({ keys: ["t-0"], isSatisfied: () => false }, 60_000)).toBe(true);
  });
});
