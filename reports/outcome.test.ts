// Why a scenario failed when the checker found nothing it disallows: the acknowledged records its
// complete final read did not return.
import { describe, expect, it } from "vitest";
import { checkHistory } from "../harness/checker/catalogue.ts";
import type { ScenarioResult } from "../harness/run/result.ts";
import { scenarioOutcome } from "./outcome.ts";

const base: ScenarioResult = { name: "s", description: "", guarantee: "", source: "", status: "failed", config: {}, allowed: [], history: "", operations: 1, durationMs: 1, faults: [], schedule: [], check: checkHistory([]) };

describe("scenarioOutcome", () => {
  it("names the records missing from the final read as the failure", () => {
    const outcome = scenarioOutcome({ ...base, finalRead: { complete: true, acknowledged: 50, missing: 3 } });
    expect(outcome).toMatchObject({ kind: "lost-write", message: "3 of 50 acknowledged records are missing from the final read, which read every partition from its beginning to its end" });
  });
});
