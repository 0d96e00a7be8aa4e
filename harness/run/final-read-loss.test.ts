// The final-read loss count: acknowledged sends (with or without an offset) that the final
// reader's polls never returned, however often other consumers polled them before.
import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../history/types.ts";
import { finalReadProblem, FinalReadLossCounter } from "./final-read-loss.ts";

let index = 0;
const event = (process: number | "nemesis", type: HistoryEvent["type"], f: string, value: unknown) => ({ index: index++, time: index, process, type, f, value }) as HistoryEvent;

describe("FinalReadLossCounter", () => {
  it("counts acknowledged values the final reader did not return, whoever else polled them", () => {
    const counter = new FinalReadLossCounter(3);
    const events = [
      event(0, "ok", "send", [["send", "t-0", [0, 1]]]),
      event(0, "ok", "send", [["send", "t-0", [1, 2]]]),
      // acks=0: no offset, still acknowledged by the client.
      event(1, "ok", "send", [["send", "t-0", [null, 3]]]),
      event(1, "info", "send", [["send", "t-0", 4]]),
      event(0, "fail", "send", [["send", "t-0", 5]]),
      // A worker consumer read 2 before the log lost it; the final reader (process 3) did not.
      event(2, "ok", "poll", [["poll", { "t-0": [[0, 1], [1, 2]] }]]),
      event(3, "ok", "poll", [["poll", { "t-0": [[0, 1], [1, 4]] }]]),
      event("nemesis", "info", "start-kill", null),
    ];
    for (const e of events) counter.add(e);
    expect(counter.finish()).toEqual({ acknowledged: 3, missing: 2 });
  });

  it("fails a scenario that allows no lost write on records missing from a complete read, and only then", () => {
    const loss = { acknowledged: 10, missing: 2 };
    expect(finalReadProblem([], true, loss)).toBe("2 of 10 acknowledged records are missing from the final read, which read every partition from its beginning to its end");
    expect(finalReadProblem(["lost-write", "unseen"], true, loss)).toBeUndefined();
    expect(finalReadProblem([], false, loss)).toBeUndefined();
    expect(finalReadProblem([], true, { acknowledged: 10, missing: 0 })).toBeUndefined();
  });
});
