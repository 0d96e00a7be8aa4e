// The log's defaults are Kafka 4.3.1's (read from its LogConfig definitions).
import { describe, expect, it } from "vitest";
import { DEFAULT_LOG_CONFIG, LONG_MAX } from "./log-config.ts";

describe("DEFAULT_LOG_CONFIG", () => {
  it("matches Kafka 4.3's topic defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toEqual({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      retentionMs: 604800000,
      retentionBytes: -1,
      flushMessages: LONG_MAX,
      flushMs: LONG_MAX,
      indexIntervalBytes: 4096,
      segmentIndexBytes: 10485760,
      messageTimestampType: "CreateTime",
      messageTimestampBeforeMaxMs: LONG_MAX,
      messageTimestampAfterMaxMs: 3600000,
    });
    expect(Object.isFrozen(DEFAULT_LOG_CONFIG)).toBe(true);
  });
});
