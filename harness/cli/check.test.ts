// `kconform check` as a CI gate sees it: the verdict on stdout as JSON, and the exit code.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/kconform.js");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function kconform(...args: string[]): Promise<Outcome> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const HEADER = { "kconform-history": 1, seed: 1 };
const line = (event: object) => `${JSON.stringify(event)}\n`;
const send = (index: number, value: number, offset: number) => [
  line({ index, time: index, process: 0, type: "invoke", f: "send", value: [["send", "t-0", value]] }),
  line({ index: index + 1, time: index + 1, process: 0, type: "ok", f: "send", value: [["send", "t-0", [offset, value]]] }),
];
const poll = (index: number, pairs: [number, number][]) => [
  line({ index, time: index, process: 1, type: "invoke", f: "poll", value: [["poll"]] }),
  line({ index: index + 1, time: index + 1, process: 1, type: "ok", f: "poll", value: [["poll", { "t-0": pairs }]] }),
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-check-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function history(name: string, ...lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, line(HEADER) + lines.join(""));
  return path;
}

describe("kconform check", () => {
  it("exits 0 and prints a valid result for a valid history", async () => {
    const path = history("valid.jsonl", ...send(0, 1, 0), ...poll(2, [[0, 1]]));
    const { code, stdout } = await kconform("check", path);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, "anomaly-types": [], anomalies: {} });
  });

  it("exits 1 with the anomaly and its evidence, or 0 when --allow accepts it", async () => {
    const path = history("lost.jsonl", ...send(0, 1, 0), ...send(2, 2, 1), ...poll(4, [[1, 2]]));
    const found = await kconform("check", path);
    expect(found.code).toBe(1);
    const result = JSON.parse(found.stdout);
    expect(result.valid).toBe(false);
    expect(result.anomalies["lost-write"][0]).toMatchObject({ value: 1, ops: [1, 5] });
    expect(found.stderr).toMatch(/anomalies found: lost-write, unseen/);
    const allowed = await kconform("check", path, "--allow", "lost-write", "unseen");
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).allowed).toEqual(expect.arrayContaining(["lost-write", "unseen"]));
  });

  it("exits 2 naming the first malformed line", async () => {
    const path = history("malformed.jsonl", ...send(0, 1, 0), '{"index": 2, "time": 2, "process": 1, "type": "done", "f": "poll"}\n');
    const { code, stdout, stderr } = await kconform("check", path);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/malformed\.jsonl:4: "type" must be one of/);
  });

  it("exits 2 with an unknown verdict when the history was cut short by a crash", async () => {
    const path = history("truncated.jsonl", ...send(0, 1, 0), ...poll(2, [[0, 1]]), '{"index": 4, "ti');
    const { code, stdout, stderr } = await kconform("check", path);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ valid: "unknown", "unknown-reasons": [expect.stringMatching(/line 6 is cut short/)] });
    expect(stderr).toMatch(/verdict unknown/);
  });

  it("exits 2 for an unreadable file or an unknown anomaly name", async () => {
    expect((await kconform("check", join(dir, "missing.jsonl"))).code).toBe(2);
    const path = history("any.jsonl", ...send(0, 1, 0));
    const bad = await kconform("check", path, "--allow", "lost-writes");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--allow lost-writes: no such anomaly type/);
  });
});
