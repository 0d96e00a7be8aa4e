// Kafka Uuids in their string form: valid forms, conversion to bytes, and random ids.
import { describe, expect, it } from "vitest";
import { isUuid, METADATA_TOPIC_ID, randomUuid, uuidFromBytes, uuidToBytes, ZERO_UUID } from "./uuid.ts";

describe("uuid", () => {
  it("accepts exactly the canonical 22-character form", () => {
    expect(isUuid(ZERO_UUID)).toBe(true);
    expect(isUuid("_____________________w")).toBe(true);
    expect(isUuid("_____________________x")).toBe(false);
    expect(isUuid("AAAAAAAAAAAAAAAAAAAAA")).toBe(false);
    expect(isUuid("AAAAAAAAAAAAAAAAAAAA+A")).toBe(false);
  });

  it("converts to and from the 16 bytes", () => {
    expect(uuidToBytes(METADATA_TOPIC_ID)).toEqual(Buffer.from("00000000000000000000000000000001", "hex"));
    expect(uuidFromBytes(Buffer.alloc(16, 0xff))).toBe("_____________________w");
    expect(() => uuidToBytes("nope")).toThrow(TypeError);
  });

  it("draws version-4 ids that are never reserved and never start with a dash", () => {
    for (let i = 0; i < 200; i++) {
      const id = randomUuid();
      expect(isUuid(id)).toBe(true);
      expect(id.startsWith("-")).toBe(false);
      expect(uuidToBytes(id)[6] >> 4).toBe(4);
    }
  });
});
