// Number and duration formats every report shares.
import { describe, expect, it } from "vitest";
import { compactJson, formatClock, formatCount, formatDuration, formatLatency, formatRunTime } from "./format.ts";

describe("formats", () => {
  it("groups counts the same on every locale", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(12.6)).toBe("13");
  });

  it("writes durations at a useful precision", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2_310)).toBe("2.31 s");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(125_000)).toBe("2 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
    expect(formatDuration(-1)).toBe("–");
  });

  it("writes latencies from nanoseconds", () => {
    expect(formatLatency(420)).toBe("420 ns");
    expect(formatLatency(420_000)).toBe("420 µs");
    expect(formatLatency(1_800_000)).toBe("1.8 ms");
    expect(formatLatency(2_400_000_000)).toBe("2.40 s");
  });

  it("writes stopwatch readings and run times", () => {
    expect(formatClock(42_900)).toBe("00:42");
    expect(formatClock(3_723_000)).toBe("1:02:03");
    expect(formatRunTime(12_500_000_000)).toBe("12.5 s");
    expect(formatRunTime(2_000_000_000)).toBe("2 s");
  });

  it("cuts long JSON and survives values JSON cannot write", () => {
    expect(compactJson({ a: "x".repeat(50) }, 20)).toHaveLength(20);
    expect(compactJson({ a: "x".repeat(50) }, 20).endsWith("…")).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(compactJson(cyclic)).toBe("[object Object]");
    expect(compactJson(undefined)).toBe("undefined");
    expect(compactJson(10n)).toBe("10");
  });
});
