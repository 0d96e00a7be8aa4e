// Java discovery: version parsing, and a clear error when java is not there at all.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvironmentError } from "../../errors.ts";
import { parseJavaMajor, requireJava } from "./java.ts";

describe("parseJavaMajor", () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ["no version here", undefined],
  ])("%s → %s", (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe("requireJava", () => {
  it("names java and how to install it when PATH has none", async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), "kconform-nojava-"));
    try {
      const attempt = requireJava({ PATH: emptyDir });
      await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
      await expect(attempt).rejects.toMatchObject({ code: "java-missing", message: expect.stringMatching(/java was not found.*apt-get install openjdk-17/) });
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
