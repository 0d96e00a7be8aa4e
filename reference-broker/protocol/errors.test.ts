// The error-code table: complete, unique, and in agreement with the codes clients act upon.
import { describe, expect, it } from "vitest";
import { ErrorCode, errorByCode, errorByName, KAFKA_ERRORS } from "./errors.ts";

describe("Kafka error codes", () => {
  it("has every code from -1 to the highest once", () => {
    const codes = KAFKA_ERRORS.map((e) => e.code);
    expect(codes).toEqual(Array.from({ length: codes.length }, (_, i) => i - 1));
    expect(new Set(KAFKA_ERRORS.map((e) => e.name)).size).toBe(codes.length);
    expect(codes.at(-1)).toBe(133);
  });

  it("looks errors up by code and by name", () => {
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(errorByCode(35)).toMatchObject({ name: "UNSUPPORTED_VERSION", retriable: false });
    expect(errorByName("CORRUPT_MESSAGE")).toEqual({
      code: 2,
      name: "CORRUPT_MESSAGE",
      retriable: true,
      message: "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.",
    });
    expect(errorByCode(134)).toBeUndefined();
  });

  it("marks as retriable what Kafka's clients retry", () => {
    const retriable = (code: number) => errorByCode(code)?.retriable;
    expect([3, 5, 6, 7, 14, 15, 16, 19, 20].map(retriable)).toEqual(Array(9).fill(true));
    expect([-1, 0, 1, 10, 22, 25, 27, 35, 36, 45, 47].map(retriable)).toEqual(Array(11).fill(false));
  });
});
