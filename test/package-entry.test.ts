// The package entry a user imports (`import { specs } from "kconform"`): plain Node loads it through
// index.js, and it must offer exactly what index.ts exports, so neither list drifts from the other.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import * as kconform from "../index.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

it("plain Node's import of the package gives every runtime export of index.ts", () => {
  const script = 'const k = await import("kconform"); console.log(JSON.stringify({ keys: Object.keys(k).sort(), specs: k.specs.map((s) => s.name) }));';
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" })) as { keys: string[]; specs: string[] };
  expect(out.keys).toEqual(Object.keys(kconform).sort());
  expect(out.specs).toEqual(kconform.specs.map((spec) => spec.name));
}, 30_000);
