// Namespace names must round-trip through the parser (cleanupStale relies on it) and addresses
// must stay inside the run's private /24.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { namespaceName, newRunId, nodeAddress, nodeRole, parseNamespaceName } from "./names.ts";

describe("namespace names", () => {
  it("parse back to the run, owner pid and role they were made from", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4_194_304 }), fc.nat(10_000), (pid, nodeId) => {
        const runId = newRunId(pid);
        for (const role of ["hub", "probe", nodeRole(nodeId)] as const) {
          expect(parseNamespaceName(namespaceName(runId, role))).toEqual({ runId, ownerPid: pid, role });
        }
      }),
      { numRuns: 50 },
    );
  });

  it("are not recognised unless they follow the scheme", () => {
    for (const name of ["kc-", "kc-12-ab", "kc-12-ab-x1", "other-12-ab-n1", "kc-x-ab-n1", "kc-12-ab-n1-extra"]) {
      expect(parseNamespaceName(name)).toBeUndefined();
    }
  });
});

describe("nodeAddress", () => {
  it("numbers nodes from .1 inside 10.213.<octet>.0/24", () => {
    expect(nodeAddress(7, 0)).toBe("10.213.7.1");
    expect(nodeAddress(7, 252)).toBe("10.213.7.253");
  });

  it("refuses indexes that would leave the /24 or hit the broadcast address", () => {
    expect(() => nodeAddress(7, 253)).toThrow(RangeError);
    expect(() => nodeAddress(256, 0)).toThrow(RangeError);
  });
});
