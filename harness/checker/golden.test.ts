// Golden histories, two per anomaly type: a small one that has it (with the evidence the checker
// must cite) and a near-identical one that must stay valid. Excuses get their own valid twins.
import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../history/types.ts";
import type { AnomalyType, CheckResult } from "./anomalies.ts";
import { checkHistory } from "./catalogue.ts";

type Pairs = [offset: number | null, value: number][];

/** Writes histories tersely: each helper appends an invocation and its completion. */
class History {
  readonly events: HistoryEvent[] = [];

  event(fields: Record<string, unknown>): number {
    const index = this.events.length;
    this.events.push({ index, time: index * 1000, ...fields } as HistoryEvent);
    return index;
  }

  invoke(process: number, f: string, value: unknown, extra: Record<string, unknown> = {}): number {
    return this.event({ process, type: "invoke", f, value, ...extra });
  }

  complete(process: number, type: string, f: string, value: unknown, extra: Record<string, unknown> = {}): number {
    return this.event({ process, type, f, value, ...extra });
  }

  /** One send micro-op; returns the completion's index. */
  send(process: number, partition: string, value: number, offset: number | null, type = "ok", extras?: Record<string, unknown>): number {
    const more = extras ? [extras] : [];
    this.invoke(process, "send", [["send", partition, value, ...more]]);
    const done = type === "ok" || offset !== null ? [offset, value] : value;
    return this.complete(process, type, "send", [["send", partition, done, ...more]]);
  }

  poll(process: number, records: Record<string, Pairs>, extra: Record<string, unknown> = {}, type = "ok"): number {
    this.invoke(process, "poll", [["poll"]]);
    return this.complete(process, type, "poll", [["poll", records]], extra);
  }

  txn(process: number, invoked: unknown[], completed: unknown[], type = "ok"): number {
    this.invoke(process, "txn", invoked);
    return this.complete(process, type, "txn", completed);
  }

  assign(process: number, partitions: string[], extra: Record<string, unknown> = {}): number {
    this.invoke(process, "assign", partitions, extra);
    return this.complete(process, "ok", "assign", partitions, extra);
  }

  subscribe(process: number, group: string, extra: Record<string, unknown>): number {
    this.invoke(process, "subscribe", ["t"], { group });
    return this.complete(process, "ok", "subscribe", ["t"], { group, ...extra });
  }

  commit(process: number, offsets: Record<string, number>, group = "g"): number {
    this.invoke(process, "commit", offsets, { group });
    return this.complete(process, "ok", "commit", offsets, { group });
  }
}

function check(history: History, allowed: string[] = []): CheckResult {
  return checkHistory(history.events, { allowed });
}

/** The history is invalid because of `type`, citing exactly `ops`; returns the anomaly. */
function expectAnomaly(result: CheckResult, type: AnomalyType, ops: number[]) {
  expect(result.valid).toBe(false);
  expect(result["anomaly-types"]).toContain(type);
  const anomaly = result.anomalies[type]?.[0];
  expect(anomaly?.ops).toEqual(ops);
  expect(anomaly?.explanation).toMatch(/^[A-Z].*\.$/);
  return anomaly!;
}

function expectValid(result: CheckResult): void {
  expect(result["anomaly-types"]).toEqual([]);
  expect(result["unknown-reasons"]).toEqual([]);
  expect(result.valid).toBe(true);
}

/** Three records in t-0 (values 1, 2, 3 at offsets 0, 1, 2) sent by process 9. */
function threeSent(h: History): number[] {
  return [h.send(9, "t-0", 1, 0), h.send(9, "t-0", 2, 1), h.send(9, "t-0", 3, 2)];
}

const ALL: Pairs = [
  [0, 1],
  [1, 2],
  [2, 3],
];

describe("inconsistent-offsets", () => {
  const build = (secondOffset: number) => {
    const h = new History();
    const a = h.send(0, "t-0", 1, 0);
    const b = h.send(0, "t-0", 2, secondOffset);
    h.poll(1, { "t-0": [[0, 1]] });
    h.poll(2, { "t-0": [[0, 1], [1, 2]] });
    return { h, a, b };
  };
  it("two values claimed at one offset", () => {
    const { h, a, b } = build(0);
    const anomaly = expectAnomaly(check(h), "inconsistent-offsets", [a, b]);
    expect(anomaly).toMatchObject({ partition: "t-0", offset: 0, values: [1, 2] });
  });
  it("valid when each offset holds one value", () => expectValid(check(build(1).h)));
});

describe("duplicate", () => {
  it("one value at two offsets", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.send(0, "t-0", 2, 2);
    const p = h.poll(1, { "t-0": [[0, 1], [1, 1], [2, 2]] });
    expect(expectAnomaly(check(h), "duplicate", [1, p])).toMatchObject({ value: 1, count: 2, offsets: [0, 1] });
  });
  it("valid when the retry was deduplicated", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.send(0, "t-0", 2, 1);
    h.poll(1, { "t-0": [[0, 1], [1, 2]] });
    expectValid(check(h));
  });
  it("is reported but valid when the run allows duplicates (at-least-once)", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.send(0, "t-0", 2, 2);
    h.poll(1, { "t-0": [[0, 1], [1, 1], [2, 2]] });
    const result = check(h, ["duplicate", "int-nonmonotonic-poll"]);
    expect(result.valid).toBe(true);
    expect(result["anomaly-types"]).toContain("duplicate");
    expect(result.allowed).toContain("duplicate");
  });
});

describe("lost-write", () => {
  const build = (laterReader: Pairs) => {
    const h = new History();
    const [, lost] = threeSent(h);
    h.poll(1, { "t-0": [[0, 1]] });
    h.assign(2, ["t-0"]);
    const far = h.poll(2, { "t-0": laterReader });
    return { h, lost, far };
  };
  it("an acknowledged send nobody read, though a poll read past it", () => {
    const { h, lost, far } = build([[2, 3]]);
    const anomaly = expectAnomaly(check(h), "lost-write", [lost, far]);
    expect(anomaly).toMatchObject({ partition: "t-0", value: 2, offset: 1 });
    expect(anomaly.explanation).toBe(
      `Op ${lost} sent 2 to t-0 and it was acknowledged at offset 1, but no poll ever returned it, although op ${far} polled 3 at offset 2, further along the log.`,
    );
  });
  it("valid when a later poll sees it", () => expectValid(check(build([[1, 2], [2, 3]]).h)));
  it("counts an indeterminate send once another of its values was read", () => {
    const h = new History();
    h.invoke(0, "send", [["send", "t-0", 1], ["send", "t-1", 5]]);
    const info = h.complete(0, "info", "send", [["send", "t-0", [0, 1]], ["send", "t-1", [0, 5]]]);
    h.send(0, "t-1", 6, 1);
    h.poll(1, { "t-0": [] });
    const far = h.poll(2, { "t-1": [[1, 6]] });
    h.poll(3, { "t-0": [[0, 1]] });
    expect(expectAnomaly(check(h), "lost-write", [info, far]).value).toBe(5);
  });
  it("is reported but valid when allowed (acks=1 with a leader failure)", () => {
    const result = check(build([[2, 3]]).h, ["lost-write", "unseen"]);
    expect(result.valid).toBe(true);
    expect(result["anomaly-types"]).toEqual(["lost-write", "unseen"]);
  });
});

describe("unseen", () => {
  const build = (final: Pairs) => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    const second = h.send(0, "t-0", 2, 1);
    h.poll(1, { "t-0": final });
    return { h, second };
  };
  it("an acknowledged send no poll returned", () => {
    const { h, second } = build([[0, 1]]);
    const result = check(h);
    expect(expectAnomaly(result, "unseen", [second])).toMatchObject({ partition: "t-0", count: 1, values: [2] });
    expect(result["anomaly-types"]).toEqual(["unseen"]);
  });
  it("valid once the final reads reach it", () => expectValid(check(build([[0, 1], [1, 2]]).h)));
});

describe("poll-skip", () => {
  const build = (between: (h: History) => void, second: Record<string, unknown> = {}) => {
    const h = new History();
    threeSent(h);
    h.poll(5, { "t-0": ALL });
    h.assign(1, ["t-0"]);
    const first = h.poll(1, { "t-0": [[0, 1]] });
    between(h);
    const next = h.poll(1, { "t-0": [[2, 3]] }, second);
    return { h, first, next };
  };
  it("a process's next poll skips a record", () => {
    const { h, first, next } = build(() => {});
    const result = check(h);
    expect(expectAnomaly(result, "poll-skip", [first, next])).toMatchObject({ process: 1, delta: 2, skipped: [2] });
    expect(result["anomaly-types"]).toEqual(["poll-skip"]);
  });
  it("valid when the next poll continues where the last one ended", () => {
    const h = new History();
    threeSent(h);
    h.assign(1, ["t-0"]);
    h.poll(1, { "t-0": [[0, 1]] });
    h.poll(1, { "t-0": [[1, 2], [2, 3]] });
    expectValid(check(h));
  });
  it("gaps in offsets are not skips (transaction markers)", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.send(0, "t-0", 2, 2);
    h.assign(1, ["t-0"]);
    h.poll(1, { "t-0": [[0, 1]] });
    h.poll(1, { "t-0": [[2, 2]] });
    expectValid(check(h));
  });
  it("excused by a rebalance that moved the partition", () => {
    expectValid(check(build(() => {}, { rebalance: [{ type: "assigned", partitions: ["t-0"] }], generation: 2 }).h));
  });
  it("excused by an assignment that dropped the partition in between", () => {
    expectValid(check(build((h) => (h.assign(1, ["t-1"]), h.assign(1, ["t-0"]))).h));
  });
  it("excused by an indeterminate operation (Jepsen retires the process)", () => {
    expectValid(check(build((h) => h.poll(1, { "t-0": [] }, {}, "info")).h));
  });
  it("allowed by default when consumers subscribe, as in Jepsen", () => {
    const { h } = build((h) => h.subscribe(7, "g", {}));
    const result = check(h);
    expect(result.valid).toBe(true);
    expect(result["anomaly-types"]).toEqual(["poll-skip"]);
  });
});

describe("nonmonotonic-poll", () => {
  const build = (between: (h: History) => void) => {
    const h = new History();
    threeSent(h);
    h.assign(1, ["t-0"]);
    const first = h.poll(1, { "t-0": [[0, 1], [1, 2]] });
    between(h);
    const next = h.poll(1, { "t-0": [[1, 2], [2, 3]] });
    return { h, first, next };
  };
  it("a process's next poll goes back", () => {
    const { h, first, next } = build(() => {});
    expect(expectAnomaly(check(h), "nonmonotonic-poll", [first, next])).toMatchObject({ delta: 0, values: [2, 2] });
  });
  it("valid when it moves forward", () => {
    const h = new History();
    threeSent(h);
    h.assign(1, ["t-0"]);
    h.poll(1, { "t-0": [[0, 1], [1, 2]] });
    h.poll(1, { "t-0": [[2, 3]] });
    expectValid(check(h));
  });
  it("excused by seek-to-beginning", () => {
    const h = new History();
    threeSent(h);
    h.assign(1, ["t-0"]);
    h.poll(1, { "t-0": [[0, 1], [1, 2]] });
    h.assign(1, ["t-0"], { "seek-to-beginning": true });
    h.poll(1, { "t-0": ALL });
    expectValid(check(h));
  });
  it("excused by a crash of the client", () => {
    expectValid(check(build((h) => (h.invoke(1, "crash", null), h.complete(1, "info", "crash", null))).h));
  });
});

describe("int-poll-skip", () => {
  const build = (extra: Record<string, unknown>) => {
    const h = new History();
    threeSent(h);
    h.poll(5, { "t-0": ALL });
    const skipping = h.poll(1, { "t-0": [[0, 1], [2, 3]] }, extra);
    return { h, skipping };
  };
  it("one poll skips a record", () => {
    const { h, skipping } = build({});
    expect(expectAnomaly(check(h), "int-poll-skip", [skipping])).toMatchObject({ values: [1, 3], delta: 2, skipped: [2] });
  });
  it("valid when contiguous", () => {
    const h = new History();
    threeSent(h);
    h.poll(1, { "t-0": ALL });
    expectValid(check(h));
  });
  it("excused by a rebalance during the poll (Jepsen's rebalance log)", () => {
    expectValid(check(build({ rebalance: [{ type: "revoked", partitions: ["t-0"] }, { type: "assigned", partitions: ["t-0"] }] }).h));
  });
});

describe("int-nonmonotonic-poll", () => {
  it("one poll goes backwards", () => {
    const h = new History();
    threeSent(h);
    const p = h.poll(1, { "t-0": [[1, 2], [0, 1], [1, 2], [2, 3]] });
    expect(expectAnomaly(check(h), "int-nonmonotonic-poll", [p])).toMatchObject({ values: [2, 1], delta: -1 });
  });
  it("valid in order", () => {
    const h = new History();
    threeSent(h);
    h.poll(1, { "t-0": ALL });
    expectValid(check(h));
  });
});

describe("nonmonotonic-send", () => {
  const build = (first: number, second: number) => {
    const h = new History();
    const a = h.send(0, "t-0", 1, first);
    const b = h.send(0, "t-0", 2, second);
    h.poll(1, { "t-0": first < second ? [[first, 1], [second, 2]] : [[second, 2], [first, 1]] });
    return { h, a, b };
  };
  it("a process's later send lands earlier", () => {
    const { h, a, b } = build(1, 0);
    expect(expectAnomaly(check(h), "nonmonotonic-send", [a, b])).toMatchObject({ process: 0, values: [1, 2], delta: -1 });
  });
  it("valid in order", () => expectValid(check(build(0, 1).h)));
});

describe("int-nonmonotonic-send and int-send-skip", () => {
  const build = (offsets: [number, number], other?: number) => {
    const h = new History();
    h.invoke(0, "send", [["send", "t-0", 1], ["send", "t-0", 2]]);
    const op = h.complete(0, "ok", "send", [["send", "t-0", [offsets[0], 1]], ["send", "t-0", [offsets[1], 2]]]);
    if (other !== undefined) h.send(1, "t-0", 3, other);
    const pairs: Pairs = [[offsets[0], 1], [offsets[1], 2]];
    if (other !== undefined) pairs.push([other, 3]);
    h.poll(2, { "t-0": pairs.sort((x, y) => x[0]! - y[0]!) });
    return { h, op };
  };
  it("int-nonmonotonic-send: one operation's second send lands first", () => {
    const { h, op } = build([1, 0]);
    expect(expectAnomaly(check(h), "int-nonmonotonic-send", [op])).toMatchObject({ values: [1, 2], delta: -1 });
  });
  it("int-send-skip: another record lands between, reported but allowed by default", () => {
    const { h, op } = build([0, 2], 1);
    const result = check(h);
    expect(result.valid).toBe(true);
    expect(result["anomaly-types"]).toEqual(["int-send-skip"]);
    expect(result.anomalies["int-send-skip"]?.[0]).toMatchObject({ ops: [op], skipped: [3], delta: 2 });
  });
  it("valid when adjacent and in order", () => expectValid(check(build([0, 1], 2).h)));
});

describe("G1a (aborted read)", () => {
  const build = (type: string) => {
    const h = new History();
    const sent = h.send(0, "t-0", 1, type === "ok" ? 0 : null, type);
    const read = h.poll(1, { "t-0": [[0, 1]] });
    return { h, sent, read };
  };
  it("an ok poll returns a failed send's value", () => {
    const { h, sent, read } = build("fail");
    expect(expectAnomaly(check(h), "G1a", [sent, read]).value).toBe(1);
  });
  it("valid when the send succeeded", () => expectValid(check(build("ok").h)));
});

describe("precommitted-read", () => {
  const build = (read: number) => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    const txn = h.txn(1, [["poll"], ["send", "t-0", 2]], [["poll", { "t-0": read === 1 ? [[0, 1]] : [[0, 1], [1, 2]] }], ["send", "t-0", [1, 2]]]);
    h.poll(2, { "t-0": [[0, 1], [1, 2]] });
    return { h, txn };
  };
  it("a transaction reads its own uncommitted write", () => {
    const { h, txn } = build(2);
    expect(expectAnomaly(check(h), "precommitted-read", [txn]).value).toBe(2);
  });
  it("valid when it reads only what committed before", () => expectValid(check(build(1).h)));
});

describe("G0 (write cycle)", () => {
  const build = (t1Second: number) => {
    const h = new History();
    const t1 = h.txn(0, [["send", "t-0", 1], ["send", "t-1", 4]], [["send", "t-0", [0, 1]], ["send", "t-1", [t1Second, 4]]]);
    const t2 = h.txn(1, [["send", "t-0", 2], ["send", "t-1", 3]], [["send", "t-0", [1, 2]], ["send", "t-1", [1 - t1Second, 3]]]);
    h.poll(2, { "t-0": [[0, 1], [1, 2]], "t-1": t1Second === 1 ? [[0, 3], [1, 4]] : [[0, 4], [1, 3]] });
    return { h, t1, t2 };
  };
  it("two transactions' writes interleave in opposite orders; Jepsen allows it", () => {
    const { h, t1, t2 } = build(1);
    const result = check(h);
    expect(result.valid).toBe(true);
    expect(result["anomaly-types"]).toEqual(["G0"]);
    expect(result.anomalies.G0?.[0]).toMatchObject({ ops: [t1, t2], count: 2 });
    expect(result.anomalies.G0?.[0].steps?.map((s) => s.relation)).toEqual(["ww", "ww"]);
  });
  it("no cycle when both partitions agree on the order", () => expectValid(check(build(0).h)));
});

describe("G1c (cycle of information flow)", () => {
  const build = (t2Reads: Record<string, Pairs>) => {
    const h = new History();
    h.send(9, "t-2", 7, 0);
    const t1 = h.txn(0, [["poll"], ["send", "t-0", 1]], [["poll", { "t-1": [[0, 2]] }], ["send", "t-0", [0, 1]]]);
    const t2 = h.txn(1, [["poll"], ["send", "t-1", 2]], [["poll", t2Reads], ["send", "t-1", [0, 2]]]);
    h.poll(2, { "t-0": [[0, 1]], "t-1": [[0, 2]], "t-2": [[0, 7]] });
    return { h, t1, t2 };
  };
  it("two transactions each read the other's write", () => {
    const { h, t1, t2 } = build({ "t-0": [[0, 1]] });
    const anomaly = expectAnomaly(check(h), "G1c", [t1, t2]);
    expect(anomaly.steps?.map((s) => [s.from, s.to, s.relation])).toEqual([
      [t1, t2, "wr"],
      [t2, t1, "wr"],
    ]);
  });
  it("valid when only one of them saw the other", () => {
    const { h } = build({ "t-2": [[0, 7]] });
    // t1 read t2's write before t2 committed it: that is another anomaly, not a cycle.
    expect(check(h)["anomaly-types"]).not.toContain("G1c");
  });
  it("skipped without transactions", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.poll(1, { "t-0": [[0, 1]] });
    expect(check(h).stats["cycle-search"]).toBe("skipped: no transactions");
  });
});

describe("phantom-read", () => {
  it("a value nobody sent", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    const p = h.poll(1, { "t-0": [[0, 1], [1, 99]] });
    const result = check(h);
    expect(expectAnomaly(result, "phantom-read", [p])).toMatchObject({ value: 99, offset: 1 });
    expect(result.anomalies["phantom-read"]?.[0].explanation).toMatch(/no operation ever sent 99/);
  });
  it("a value sent to another partition", () => {
    const h = new History();
    const sent = h.send(0, "t-0", 1, 0);
    const p = h.poll(1, { "t-1": [[0, 1]] });
    expect(expectAnomaly(check(h), "phantom-read", [sent, p]).explanation).toMatch(/was sent to t-0 \(op 1\), not to t-1/);
  });
  it("valid when every value was sent there", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.send(0, "t-0", 99, 1);
    h.poll(1, { "t-0": [[0, 1], [1, 99]] });
    expectValid(check(h));
  });
});

describe("nonexclusive-assignment", () => {
  const build = (secondGeneration: number) => {
    const h = new History();
    const a = h.subscribe(1, "g", { generation: 1, rebalance: [{ type: "assigned", partitions: ["t-0"] }] });
    const b = h.subscribe(2, "g", { generation: secondGeneration, rebalance: [{ type: "assigned", partitions: ["t-0"] }] });
    h.send(0, "t-0", 1, 0);
    h.poll(3, { "t-0": [[0, 1]] });
    return { h, a, b };
  };
  it("two members own one partition in one generation", () => {
    const { h, a, b } = build(1);
    expect(expectAnomaly(check(h), "nonexclusive-assignment", [a, b])).toMatchObject({ partition: "t-0", group: "g", generation: 1, processes: [1, 2] });
  });
  it("valid when the partition moved in a new generation", () => expectValid(check(build(2).h)));
  it("valid for members of different groups", () => {
    const h = new History();
    h.subscribe(1, "g", { generation: 1, rebalance: [{ type: "assigned", partitions: ["t-0"] }] });
    h.subscribe(2, "other", { generation: 1, rebalance: [{ type: "assigned", partitions: ["t-0"] }] });
    expectValid(check(h));
  });
});

describe("committed-offset-regression", () => {
  it("an acknowledged commit is followed by a lower one", () => {
    const h = new History();
    const high = h.commit(1, { "t-0": 5 });
    const low = h.commit(2, { "t-0": 3 });
    expect(expectAnomaly(check(h), "committed-offset-regression", [high, low])).toMatchObject({ offsets: [5, 3], group: "g" });
  });
  it("valid when the lower commit was concurrent with the higher one", () => {
    const h = new History();
    h.invoke(2, "commit", { "t-0": 3 }, { group: "g" });
    h.commit(1, { "t-0": 5 });
    h.complete(2, "ok", "commit", { "t-0": 3 }, { group: "g" });
    expectValid(check(h));
  });
  it("valid when it only moves forward, or in another group", () => {
    const h = new History();
    h.commit(1, { "t-0": 5 });
    h.commit(2, { "t-0": 7 });
    h.commit(2, { "t-0": 3 }, "other");
    expectValid(check(h));
  });
});

describe("unstable-key-partition", () => {
  const build = (between: (h: History) => void) => {
    const h = new History();
    const a = h.send(0, "t", 1, null, "ok", { key: "k" });
    // The invoke named only the topic; the completion says where the partitioner put it.
    h.events[a].value = [["send", "t-0", [0, 1], { key: "k" }]];
    between(h);
    const b = h.send(0, "t", 2, null, "ok", { key: "k" });
    h.events[b].value = [["send", "t-1", [0, 2], { key: "k" }]];
    h.poll(1, { "t-0": [[0, 1]], "t-1": [[0, 2]] });
    return { h, a, b };
  };
  it("one key lands in two partitions", () => {
    const { h, a, b } = build(() => {});
    expect(expectAnomaly(check(h), "unstable-key-partition", [a, b])).toMatchObject({ key: "k", partition: "t-1" });
  });
  it("valid when the partition count changed in between", () => {
    expectValid(check(build((h) => h.event({ process: "nemesis", type: "info", f: "create-partitions", value: { t: 4 } })).h));
  });
  it("valid when the client chose the partitions itself", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0, "ok", { key: "k" });
    h.send(0, "t-1", 2, 0, "ok", { key: "k" });
    h.poll(1, { "t-0": [[0, 1]], "t-1": [[0, 2]] });
    expectValid(check(h));
  });
});

describe("verdicts", () => {
  it("is unknown when nothing succeeded", () => {
    const h = new History();
    h.send(0, "t-0", 1, null, "fail");
    expect(check(h)).toMatchObject({ valid: "unknown", "unknown-reasons": [expect.stringMatching(/no client operation succeeded/)] });
  });
  it("is unknown when micro-operations had to be ignored, but false beats it", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.poll(1, { "t-0": [[0, 1]] });
    h.complete(2, "ok", "poll", [["poll", { "t-0": "garbage" }]]);
    expect(check(h)).toMatchObject({ valid: "unknown", "unknown-reasons": [expect.stringMatching(/^1 malformed/)] });
    h.poll(3, { "t-0": [[1, 2]] });
    expect(check(h)).toMatchObject({ valid: false, "anomaly-types": ["phantom-read"] });
  });
  it("an exception while indexing becomes unknown, not a crash", () => {
    const hostile = {
      index: 0,
      time: 0,
      process: 0,
      type: "ok",
      get f(): string {
        throw new Error("boom");
      },
    } as unknown as HistoryEvent;
    const result = checkHistory([hostile]);
    expect(result.valid).toBe("unknown");
    expect(result["unknown-reasons"][0]).toMatch(/could not be indexed at event 1: boom/);
  });
  it("counts every anomaly but lists at most the limit", () => {
    const h = new History();
    for (let v = 0; v < 10; v++) h.send(0, "t-0", v, v);
    h.poll(1, { "t-0": [[9, 9]] });
    const result = checkHistory(h.events, { limit: 3 });
    expect(result.anomalies["lost-write"]).toHaveLength(3);
    expect(result.stats["anomaly-counts"]["lost-write"]).toBe(9);
  });
  it("an invocation that never completed is indeterminate", () => {
    const h = new History();
    h.send(0, "t-0", 1, 0);
    h.invoke(1, "send", [["send", "t-0", 2]]);
    h.poll(2, { "t-0": [[0, 1], [1, 2]] });
    const result = check(h);
    expectValid(result);
    expect(result.stats["never-completed"]).toBe(1);
  });
});
