// The destructive-run gate: no run starts that the time budget cannot finish, so none is left
// running (brokers down) after fast-check's time limit gives up on it.
import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { SpecSetupError } from "./clients.ts";
import { destructiveProperty, destructiveRunsSettled } from "./destructive.ts";

describe("destructiveProperty", () => {
  it("ends the check instead of starting a run the remaining budget cannot fit", async () => {
    let started = 0;
    let finished = 0;
    const property = destructiveProperty(500, fc.nat(), async () => {
      started++;
      await sleep(300);
      finished++;
    });
    const details = await fc.check(property, { numRuns: 5, interruptAfterTimeLimit: 500, markInterruptAsFailure: false });
    expect(details.failed).toBe(false);
    expect(details.numRuns).toBe(1);
    await destructiveRunsSettled();
    expect({ started, finished }).toEqual({ started: 1, finished: 1 });
  });

  it("runs every run when the budget allows, one after another", async () => {
    let running = 0;
    let overlapped = false;
    const property = destructiveProperty(10_000, fc.nat(), async () => {
      overlapped ||= running > 0;
      running++;
      await sleep(10);
      running--;
    });
    const details = await fc.check(property, { numRuns: 4, interruptAfterTimeLimit: 10_000, markInterruptAsFailure: false });
    expect(details.numRuns).toBe(4);
    expect(overlapped).toBe(false);
  });

  it("does not shrink on a cluster a run could not set up: later runs repeat the setup failure", async () => {
    let runs = 0;
    const property = destructiveProperty(10_000, fc.integer({ min: 0, max: 100 }), async () => {
      runs++;
      throw new SpecSetupError("brokers did not come back", "restart-failed");
    });
    const details = await fc.check(property, { numRuns: 3, interruptAfterTimeLimit: 10_000, markInterruptAsFailure: false });
    expect(details.failed).toBe(true);
    expect(details.errorInstance).toBeInstanceOf(SpecSetupError);
    expect(runs).toBe(1);
  });
});
