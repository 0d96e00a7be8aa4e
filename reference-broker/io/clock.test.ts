// The manual clock fires timers in due order as time is advanced; the system clock's timers fire
// and cancel.
import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "./clock.ts";

describe("ManualClock", () => {
  it("moves wall and monotonic time only when advanced", () => {
    const clock = new ManualClock(1_000);
    expect(clock.nowMs()).toBe(1_000);
    expect(clock.monotonicNs()).toBe(0n);
    clock.advance(250);
    expect(clock.nowMs()).toBe(1_250);
    expect(clock.monotonicNs()).toBe(250_000_000n);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("fires due timers in due-time order, then creation order, at their due time", () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`c@${clock.nowMs()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.nowMs()}`));
    clock.setTimer(10, () => fired.push(`b@${clock.nowMs()}`));
    clock.setTimer(31, () => fired.push(`late@${clock.nowMs()}`));
    clock.advance(30);
    expect(fired).toEqual(["a@10", "b@10", "c@30"]);
    expect(clock.pendingTimers()).toBe(1);
  });

  it("runs timers set by timers when they fall due within the same advance", () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(5, () => {
      fired.push(clock.nowMs());
      clock.setTimer(5, () => fired.push(clock.nowMs()));
    });
    clock.advance(9);
    expect(fired).toEqual([5]);
    clock.advance(1);
    expect(fired).toEqual([5, 10]);
  });

  it("never fires a cancelled timer", () => {
    const clock = new ManualClock(0);
    let fired = false;
    const timer = clock.setTimer(1, () => (fired = true));
    timer.cancel();
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe("systemClock", () => {
  it("fires a timer and cancels another", async () => {
    let cancelledFired = false;
    systemClock.setTimer(1, () => (cancelledFired = true)).cancel();
    const started = systemClock.monotonicNs();
    await new Promise<void>((resolve) => systemClock.setTimer(5, resolve));
    expect(systemClock.monotonicNs()).toBeGreaterThan(started);
    expect(cancelledFired).toBe(false);
    expect(Math.abs(systemClock.nowMs() - Date.now())).toBeLessThan(1_000);
  });
});
