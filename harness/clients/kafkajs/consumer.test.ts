// Reading record values: the workers' integers come back as they were sent; anything else becomes
// a negative value no worker sends, so the checker reports it as a phantom read at its offset.
import { describe, expect, it } from "vitest";
import { recordValue } from "./consumer.ts";

describe("recordValue", () => {
  it("reads the integers workers write", () => {
    expect(recordValue(Buffer.from("17"), 3)).toBe(17);
    expect(recordValue(Buffer.from("9007199254740991"), 0)).toBe(9007199254740991);
  });

  it("turns records that hold no worker value into -(offset + 1)", () => {
    for (const text of ["", "abc", "1.5", "0", "-4", "12 ", "99999999999999999999"]) expect(recordValue(Buffer.from(text), 41)).toBe(-42);
    expect(recordValue(null, 0)).toBe(-1);
  });
});
