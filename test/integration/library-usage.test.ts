// kconform used as a library, the way the README shows it in a user's own Vitest suite: the spec
// catalogue imported from the package, asserted against a cluster the suite started itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSpec, SpecFailedError, specByName, specTargetOf, startReferenceCluster, type ReferenceCluster, type SpecTarget } from "kconform";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";

const runDir = mkdtempSync(join(tmpdir(), "kconform-library-"));
let cluster: ReferenceCluster | undefined;
let target: SpecTarget;

beforeAll(async () => {
  cluster = await startReferenceCluster({ nodes: 1, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 1 })), runDir });
  target = specTargetOf(cluster);
});

afterAll(async () => {
  await cluster?.stop({ graceful: false });
  rmSync(runDir, { recursive: true, force: true });
});

describe("specs from the package entry", () => {
  for (const name of ["ordering-within-partition", "offsets-immutable"]) {
    it(`${name} holds on a reference node`, { timeout: 60_000 }, async () => {
      const spec = specByName(name);
      if (spec === undefined) throw new Error(`the catalogue lost ${name}`);
      const result = await assertSpec(spec, target, { seed: 2024 });
      expect(result.status).toBe("passed");
    });
  }

  it("a destructive spec on a cluster of one is skipped with the reason, not failed", async () => {
    const spec = specByName("n-minus-1-durability");
    if (spec === undefined) throw new Error("the catalogue lost n-minus-1-durability");
    const result = await assertSpec(spec, target, { seed: 1 });
    expect(result.status).toBe("skipped");
    expect(result.skipReason).toMatch(/at least 2 brokers/);
  });

  it("an unreachable target is unknown, not a failed guarantee, and assertSpec throws naming the spec and the seed", async () => {
    const spec = specByName("broker-discovery");
    if (spec === undefined) throw new Error("the catalogue lost broker-discovery");
    const nowhere = specTargetOf({ ...target.cluster, bootstrap: ["127.0.0.1:1"], nodes: [], owned: false }, { bootstrap: ["127.0.0.1:1"], security: {} });
    const outcome = assertSpec(spec, nowhere, { seed: 5 });
    await expect(outcome).rejects.toThrow(SpecFailedError);
    await expect(outcome).rejects.toThrow(/broker-discovery unknown: could not reach the target \(127\.0\.0\.1:1\)[\s\S]*seed 5/);
  }, 60_000);
});
