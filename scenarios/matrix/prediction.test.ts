// The documented predictions of the guarantee matrix: every cell once, each with one sentence,
// the documentation's promises where it makes them, and never a weaker configuration promised
// more than a stronger one under the same fault.
import { describe, expect, it } from "vitest";
import type { MatrixCellKey } from "../../harness/run/result.ts";
import { MATRIX_ACKS, matrixKeys, predictCell } from "./prediction.ts";

/** How much a configuration asks of the brokers: more acks, a higher min.insync.replicas, unclean election off. */
function atLeastAsStrong(a: MatrixCellKey, b: MatrixCellKey): boolean {
  return MATRIX_ACKS.indexOf(a.acks) >= MATRIX_ACKS.indexOf(b.acks) && a.minInsyncReplicas >= b.minInsyncReplicas && (!a.uncleanElection || b.uncleanElection);
}

describe("matrixKeys", () => {
  it("lists all 60 cells once, with the disk wipes last", () => {
    const keys = matrixKeys();
    expect(keys).toHaveLength(3 * 2 * 2 * 5);
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(keys.length);
    expect(keys.slice(-12).every((k) => k.fault === "n-1-loss")).toBe(true);
  });
});

describe("predictCell", () => {
  it("gives every cell a prediction and one sentence of reason", () => {
    for (const key of matrixKeys()) {
      const prediction = predictCell(key);
      expect(prediction).toMatchObject(key);
      expect(["no-loss", "loss-possible"]).toContain(prediction.predicted);
      expect(prediction.reason).toMatch(/^[a-z][^]*\.$/);
      expect(prediction.reason).not.toMatch(/\. [A-Z]/);
    }
  });

  it("promises no loss without a failure, or when only followers pause", () => {
    for (const key of matrixKeys().filter((k) => k.fault === "none" || k.fault === "follower-pause")) expect(predictCell(key).predicted).toBe("no-loss");
  });

  it("allows loss for acks=0 and acks=1 whenever the leader fails, is cut off or loses its disk", () => {
    for (const key of matrixKeys().filter((k) => k.acks !== "all" && ["leader-kill", "leader-isolation", "n-1-loss"].includes(k.fault))) expect(predictCell(key).predicted).toBe("loss-possible");
  });

  it("promises no loss for acks=all with min.insync.replicas=2 and unclean election off under every fault", () => {
    for (const key of matrixKeys().filter((k) => k.acks === "all" && k.minInsyncReplicas === 2 && !k.uncleanElection)) expect(predictCell(key).predicted).toBe("no-loss");
  });

  it("allows loss for acks=all only through unclean election: after a leader kill with min.insync.replicas=1, and after losing two brokers", () => {
    const lossy = matrixKeys().filter((k) => k.acks === "all" && predictCell(k).predicted === "loss-possible");
    expect(lossy).toEqual([
      { acks: "all", minInsyncReplicas: 1, uncleanElection: true, fault: "leader-kill" },
      { acks: "all", minInsyncReplicas: 1, uncleanElection: true, fault: "n-1-loss" },
      { acks: "all", minInsyncReplicas: 2, uncleanElection: true, fault: "n-1-loss" },
    ]);
  });

  it("never promises a weaker configuration more than a stronger one under the same fault", () => {
    // Every ordered pair of cells: 3,600 comparisons, exhaustive rather than sampled.
    const keys = matrixKeys();
    for (const weaker of keys) {
      if (predictCell(weaker).predicted === "loss-possible") continue;
      for (const stronger of keys.filter((k) => k.fault === weaker.fault && atLeastAsStrong(k, weaker))) expect(predictCell(stronger).predicted, JSON.stringify(stronger)).toBe("no-loss");
    }
  });
});
