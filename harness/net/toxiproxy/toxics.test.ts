// Translation of typed toxics into Toxiproxy API bodies, and rejection of impossible ones.
import { describe, expect, it } from "vitest";
import { describeToxic, InvalidToxicError, toxicBody, type ToxicSpec } from "./toxics.ts";

describe("toxicBody", () => {
  it.each<[ToxicSpec, string, Record<string, number>]>([
    [{ kind: "latency", latencyMs: 200, jitterMs: 20 }, "latency", { latency: 200, jitter: 20 }],
    [{ kind: "latency", latencyMs: 50 }, "latency", { latency: 50, jitter: 0 }],
    [{ kind: "bandwidth", rateKBps: 64 }, "bandwidth", { rate: 64 }],
    [{ kind: "timeout", timeoutMs: 1500 }, "timeout", { timeout: 1500 }],
    [{ kind: "blackhole" }, "timeout", { timeout: 0 }],
    [{ kind: "reset_peer" }, "reset_peer", { timeout: 0 }],
    [{ kind: "slicer", averageSize: 64, sizeVariation: 16, delayMicros: 100 }, "slicer", { average_size: 64, size_variation: 16, delay: 100 }],
    [{ kind: "limit_data", bytes: 4096 }, "limit_data", { bytes: 4096 }],
    [{ kind: "slow_close", delayMs: 800 }, "slow_close", { delay: 800 }],
  ])("%j becomes a %s toxic", (spec, type, attributes) => {
    expect(toxicBody("t", spec)).toEqual({ name: "t", type, stream: "downstream", toxicity: 1, attributes });
  });

  it("carries the direction and the share of connections affected", () => {
    const body = toxicBody("t", { kind: "latency", latencyMs: 5 }, { stream: "upstream", toxicity: 0.25 });
    expect([body.stream, body.toxicity]).toEqual(["upstream", 0.25]);
  });

  it.each<[ToxicSpec, number | undefined]>([
    [{ kind: "latency", latencyMs: -1 }, undefined],
    [{ kind: "bandwidth", rateKBps: Number.NaN }, undefined],
    [{ kind: "bandwidth", rateKBps: 0.4 }, undefined],
    [{ kind: "slicer", averageSize: 8, sizeVariation: 8 }, undefined],
    [{ kind: "latency", latencyMs: 1 }, 1.5],
  ])("rejects %j (toxicity %s)", (spec, toxicity) => {
    expect(() => toxicBody("t", spec, toxicity === undefined ? {} : { toxicity })).toThrow(InvalidToxicError);
  });
});

describe("describeToxic", () => {
  it("labels a toxic in our units", () => {
    expect(describeToxic({ kind: "latency", latencyMs: 200, jitterMs: 20 })).toBe("latency 200±20ms downstream");
    expect(describeToxic({ kind: "blackhole" }, { stream: "upstream", toxicity: 0.5 })).toBe("blackhole upstream on 50% of connections");
  });
});
