// The history format end to end: the writer's lines read back identically, the reader names the
// first malformed line, and a line cut short by a crash costs only that line.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { simulate, type ModelStep } from "../checker/log-model.ts";
import { HistoryFileError, MalformedHistoryError } from "./errors.ts";
import { HistoryParser } from "./parser.ts";
import { readHistoryFile } from "./reader.ts";
import type { HistoryEvent, NewHistoryEvent } from "./types.ts";
import { eventProblem } from "./validate.ts";
import { HistoryWriter } from "./writer.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kconform-history-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = '{"kconform-history": 1, "seed": 7}';
const line = (event: object) => JSON.stringify(event);
const SEND_INVOKE = { index: 0, time: 0, process: 0, type: "invoke", f: "send", value: [["send", "t-0", 17]] };
const SEND_OK = { index: 1, time: 10, process: 0, type: "ok", f: "send", value: [["send", "t-0", [41, 17]]] };

function file(text: string): string {
  const path = join(dir, "history.jsonl");
  writeFileSync(path, text);
  return path;
}

async function malformed(text: string): Promise<MalformedHistoryError> {
  const error = await readHistoryFile(file(text)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MalformedHistoryError);
  return error as MalformedHistoryError;
}

describe("HistoryWriter", () => {
  it("writes the header, numbers events and stamps their time from its clock", async () => {
    let now = 5_000n;
    const path = join(dir, "h.jsonl");
    const writer = HistoryWriter.create(path, { seed: 7, allowed: ["duplicate"] }, { now: () => now });
    now += 1_200n;
    const first = writer.append({ process: 3, type: "invoke", f: "poll", value: [["poll"]] });
    now += 800n;
    writer.append({ process: 3, type: "ok", f: "poll", value: [["poll", { "t-0": [[0, 1]] }]] });
    writer.append({ process: "nemesis", type: "info", f: "kill", value: { node: 2 }, time: 99 });
    writer.close();
    expect(first).toMatchObject({ index: 0, time: 1200 });
    const history = await readHistoryFile(path);
    expect(history.header).toEqual({ "kconform-history": 1, seed: 7, allowed: ["duplicate"] });
    expect(history.events.map((e) => [e.index, e.time])).toEqual([
      [0, 1200],
      [1, 2000],
      [2, 99],
    ]);
    expect(history.truncatedLastLine).toBeUndefined();
  });

  it("puts every event on disk before append returns", () => {
    const path = join(dir, "h.jsonl");
    const writer = HistoryWriter.create(path);
    writer.append({ process: 0, type: "invoke", f: "poll", value: [["poll"]] });
    // No close: a harness that dies here still leaves a complete history behind.
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(3);
    writer.close();
  });

  it("refuses an event the format does not allow, naming the line it would have taken", () => {
    const writer = HistoryWriter.create(join(dir, "h.jsonl"));
    const bad = { process: 0, type: "ok", f: "send", value: [["send", "t-0", 17]] } as unknown as NewHistoryEvent;
    expect(() => writer.append(bad)).toThrow(/h\.jsonl:2: value\[0\]: an ok send reports \[offset, value\]/);
    writer.close();
  });

  it("will not overwrite an existing history", () => {
    const path = file(HEADER);
    expect(() => HistoryWriter.create(path)).toThrow(HistoryFileError);
  });

  it("round-trips generated histories through the file unchanged", async () => {
    const step = fc.record({
      process: fc.integer({ min: 0, max: 3 }),
      action: fc.constantFrom("send", "send-keyed", "poll", "txn", "assign", "subscribe", "commit", "crash", "nemesis"),
      pick: fc.nat(1000),
      outcome: fc.constantFrom("ok", "info-applied", "info-lost", "fail"),
      completeNow: fc.boolean(),
    }) as fc.Arbitrary<ModelStep>;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const events = simulate(steps);
        const path = join(dir, `round-${run++}.jsonl`);
        const writer = HistoryWriter.create(path, { run });
        for (const { index, ...event } of events) writer.append(event as NewHistoryEvent);
        writer.close();
        const read = await readHistoryFile(path);
        expect(read.events).toEqual(events.map((e) => ({ ...e })));
      }),
      { numRuns: 25 },
    );
  });
});

describe("reading a history", () => {
  it("names the first malformed line", async () => {
    const error = await malformed([HEADER, line(SEND_INVOKE), '{"index": 1, "time": 1, "process": 0, "type": "ok"', line(SEND_OK), ""].join("\n"));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/history\.jsonl:3: not JSON/);
  });

  it("names lines that are JSON but not events", async () => {
    const cases: [object | string, RegExp][] = [
      [{ ...SEND_OK, type: "done" }, /"type" must be one of invoke, ok, fail, info/],
      [{ ...SEND_OK, process: -1 }, /"process" must be a non-negative integer or "nemesis"/],
      [{ ...SEND_OK, value: [["send", "t-0", [41, "x"]]] }, /value\[0\]\[2\]: record value must be an integer/],
      [{ ...SEND_OK, value: [["poll", {}]] }, /a send operation may only hold send micro-operations/],
      [{ ...SEND_OK, f: "poll", value: [["poll"]] }, /an ok poll reports what it read/],
      [{ ...SEND_OK, f: "assign", value: "t-0" }, /value of assign must be a list/],
      [{ ...SEND_OK, f: "commit", value: { "t-0": -1 } }, /value\["t-0"\]: expected a non-negative integer/],
      [{ ...SEND_OK, rebalance: [{ type: "moved", partitions: [] }] }, /rebalance\[0\]: expected/],
      [{ ...SEND_OK, index: 0 }, /"index" 0 does not follow 0/],
      ["", /empty line/],
    ];
    for (const [event, reason] of cases) {
      const error = await malformed([HEADER, line(SEND_INVOKE), typeof event === "string" ? event : line(event), ""].join("\n"));
      expect(error.line).toBe(3);
      expect(error.reason).toMatch(reason);
    }
  });

  it("requires a version-1 header", async () => {
    expect((await malformed("")).reason).toMatch(/empty history/);
    expect((await malformed(`${line(SEND_INVOKE)}\n`)).reason).toMatch(/first line must be the header/);
    expect((await malformed('{"kconform-history": 2}\n')).reason).toMatch(/version 2 is not supported/);
    expect((await malformed('{"kconform-hist')).reason).toMatch(/header line is incomplete/);
  });

  it("reports a last line cut short by a crash and keeps everything before it", async () => {
    const history = await readHistoryFile(file(`${HEADER}\n${line(SEND_INVOKE)}\n${line(SEND_OK).slice(0, 30)}`));
    expect(history.events).toEqual([SEND_INVOKE]);
    expect(history.truncatedLastLine).toEqual({ line: 3, text: line(SEND_OK).slice(0, 30) });
  });

  it("accepts a complete last line without its newline, but not an invalid one", async () => {
    const history = await readHistoryFile(file(`${HEADER}\n${line(SEND_INVOKE)}\n${line(SEND_OK)}`));
    expect(history.events).toEqual([SEND_INVOKE, SEND_OK]);
    expect(history.truncatedLastLine).toBeUndefined();
    expect((await malformed(`${HEADER}\n${line({ ...SEND_OK, type: "done" })}`)).line).toBe(2);
  });

  it("says when the file cannot be read", async () => {
    await expect(readHistoryFile(join(dir, "missing.jsonl"))).rejects.toThrow(HistoryFileError);
  });

  it("parses the same events whatever the chunking", () => {
    const text = `${HEADER}\r\n${line(SEND_INVOKE)}\n${line(SEND_OK)}\n`;
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 6 }), (cuts) => {
        const events: HistoryEvent[] = [];
        const parser = new HistoryParser((e) => events.push(e));
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          parser.push(text.slice(from, cut));
          from = Math.max(from, cut);
        }
        parser.push(text.slice(from));
        expect(parser.end().events).toBe(2);
        expect(events).toEqual([SEND_INVOKE, SEND_OK]);
      }),
      { numRuns: 50 },
    );
  });

  it("streams: an appended crash fragment after a valid history is only reported", async () => {
    const path = file(`${HEADER}\n${line(SEND_INVOKE)}\n`);
    appendFileSync(path, '{"index": 1, "ti');
    const history = await readHistoryFile(path);
    expect(history.events).toHaveLength(1);
    expect(history.truncatedLastLine?.line).toBe(3);
  });
});

describe("eventProblem", () => {
  it("accepts every form the format allows", () => {
    const ok: object[] = [
      SEND_INVOKE,
      SEND_OK,
      { ...SEND_OK, type: "info", value: [["send", "t-0", 17]] },
      { ...SEND_OK, type: "info", value: [["send", "t-0", [null, 17]]] },
      { ...SEND_INVOKE, value: [["send", "t", 17, { key: "k3" }]] },
      { ...SEND_OK, f: "txn", value: [["poll", { "t-1": [[3, 9]] }], ["send", "t-0", [41, 17]]] },
      { ...SEND_OK, f: "subscribe", value: ["t"], group: "g", generation: 4, rebalance: [{ type: "assigned", partitions: ["t-0"], generation: 4 }] },
      { ...SEND_OK, f: "assign", value: ["t-0"], "seek-to-beginning": true },
      { ...SEND_OK, f: "commit", value: { "t-0": 42 }, group: "g" },
      { ...SEND_OK, f: "crash", type: "info", value: null },
      { ...SEND_OK, process: "nemesis", f: "start-partition", type: "info", value: { isolated: ["n1"] } },
      { ...SEND_OK, process: "nemesis", f: "create-partitions", type: "info", value: { t: 6 } },
    ];
    for (const event of ok) expect(eventProblem(event), JSON.stringify(event)).toBeUndefined();
  });
});
