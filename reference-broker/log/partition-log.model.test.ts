// Model-based test: random sequences of appends, reads, rolls, epoch changes, DeleteRecords,
// retention, truncation, clean reopens and power cuts against a plain in-memory model of what
// the partition log must hold. A shrunk failure prints as the script of commands that broke it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { type CompressionName } from "./compression.ts";
import { clientBatch, openTestLog, readAll, SMALL_SEGMENTS, T0, values, type TestLog } from "./fixtures/partition-logs.ts";
import type { EpochEntry } from "./leader-epoch-cache.ts";
import { LONG_MAX } from "./log-config.ts";
import { splitBatches } from "./record-batch.ts";

interface ModelBatch {
  base: number;
  values: string[];
  timestamp: number;
}

interface Model {
  batches: ModelBatch[];
  logStartOffset: number;
  leo: number;
  hw: number;
  /** Offsets below this must survive a power cut. */
  durable: number;
  epoch: number;
  epochs: EpochEntry[];
  syncEveryAppend: boolean;
  nextValue: number;
}

interface Real {
  t: TestLog;
  disk: MemoryDisk;
}

function last(b: ModelBatch): number {
  return b.base + b.values.length - 1;
}

function expectedValues(m: Model): string[] {
  return m.batches.flatMap((b) => b.values.map((v, i) => ({ offset: b.base + i, v }))).filter((r) => r.offset >= m.logStartOffset).map((r) => r.v);
}

/** Kafka's truncateFromStart on the model's epochs. */
function epochsFromStart(epochs: EpochEntry[], start: number): EpochEntry[] {
  const below = epochs.filter((e) => e.startOffset <= start);
  if (below.length === 0) return epochs;
  return [{ epoch: below[below.length - 1].epoch, startOffset: start }, ...epochs.filter((e) => e.startOffset > start)];
}

/** A new log start offset chosen by the log (retention): monotonic, at a batch boundary, within the high watermark. */
function acceptNewLogStart(m: Model, newStart: number): void {
  expect(newStart).toBeGreaterThanOrEqual(m.logStartOffset);
  expect(newStart).toBeLessThanOrEqual(m.hw);
  if (newStart === m.logStartOffset) return;
  expect(m.batches.some((b) => b.base === newStart) || newStart === m.leo).toBe(true);
  m.logStartOffset = newStart;
  m.batches = m.batches.filter((b) => last(b) >= newStart);
  m.epochs = epochsFromStart(m.epochs, newStart);
}

function checkAgainstModel(m: Model, r: Real): void {
  const log = r.t.log;
  expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([m.logStartOffset, m.leo, m.hw]);
  expect(log.epochEntries()).toEqual(m.epochs);
  expect(values(readAll(log))).toEqual(expectedValues(m));
  if (m.logStartOffset > 0) expect(() => log.read(m.logStartOffset - 1, { maxBytes: 100 })).toThrow(/out of range/);
}

type LogCommand = fc.AsyncCommand<Model, Real>;

class Append implements LogCommand {
  constructor(
    readonly records: number,
    readonly compression: CompressionName,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const vs = Array.from({ length: this.records }, () => `v${m.nextValue++}`);
    const timestamp = r.t.clock.nowMs();
    const info = r.t.log.appendAsLeader(clientBatch(vs, timestamp, { compression: this.compression }), { leaderEpoch: m.epoch });
    expect([info.firstOffset, info.lastOffset]).toEqual([m.leo, m.leo + this.records - 1]);
    if (m.epochs.at(-1)?.epoch !== m.epoch) m.epochs = [...m.epochs.filter((e) => e.startOffset < m.leo), { epoch: m.epoch, startOffset: m.leo }];
    m.batches.push({ base: m.leo, values: vs, timestamp });
    m.leo += this.records;
    if (m.syncEveryAppend) m.durable = m.leo;
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `append(${this.records}, ${this.compression})`;
  }
}

class Read implements LogCommand {
  constructor(
    readonly at: number,
    readonly upTo: number,
    readonly maxBytes: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const fetchOffset = m.logStartOffset + Math.floor(this.at * (m.leo - m.logStartOffset + 1) * 0.999);
    const maxOffset = fetchOffset + Math.floor(this.upTo * (m.leo - fetchOffset + 1) * 0.999);
    const { batches, trailingBytes } = splitBatches(r.t.log.read(fetchOffset, { maxBytes: this.maxBytes, maxOffset }));
    expect(trailingBytes).toBe(0);
    const start = m.batches.findIndex((b) => last(b) >= fetchOffset);
    const expectNone = start < 0 || last(m.batches[start]) >= maxOffset;
    if (expectNone) {
      expect(batches).toEqual([]);
      return;
    }
    expect(batches.length).toBeGreaterThan(0);
    batches.forEach((batch, i) => {
      const expected = m.batches[start + i];
      expect([batch.baseOffset, batch.lastOffset]).toEqual([expected.base, last(expected)]);
      expect(batch.lastOffset).toBeLessThan(maxOffset);
      expect(values(batch.records())).toEqual(expected.values);
    });
    if (batches.length > 1) expect(batches.reduce((sum, b) => sum + b.sizeInBytes, 0)).toBeLessThanOrEqual(this.maxBytes);
  }
  toString(): string {
    return `read(at ${this.at.toFixed(2)}, upTo ${this.upTo.toFixed(2)}, maxBytes ${this.maxBytes})`;
  }
}

class UpdateHighWatermark implements LogCommand {
  constructor(readonly at: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    m.hw += Math.floor(this.at * (m.leo - m.hw + 1) * 0.999);
    expect(r.t.log.updateHighWatermark(m.hw)).toBe(m.hw);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `updateHighWatermark(at ${this.at.toFixed(2)})`;
  }
}

class Roll implements LogCommand {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.t.log.roll();
    expect(r.t.log.segmentInfos().at(-1)!.nextOffset).toBe(m.leo);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return "roll";
  }
}

class BumpEpoch implements LogCommand {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    m.epoch++;
    r.t.log.assignEpochStartOffset(m.epoch, m.leo);
    m.epochs = [...m.epochs.filter((e) => e.startOffset < m.leo), { epoch: m.epoch, startOffset: m.leo }];
    expect(r.t.log.endOffsetForEpoch(m.epoch)).toEqual({ leaderEpoch: m.epoch, endOffset: m.leo });
    checkAgainstModel(m, r);
  }
  toString(): string {
    return "bumpEpoch";
  }
}

class DeleteRecords implements LogCommand {
  constructor(readonly at: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const offset = m.logStartOffset + Math.floor(this.at * (m.hw - m.logStartOffset + 1) * 0.999);
    expect(r.t.log.deleteRecordsBefore(offset)).toBe(Math.max(offset, m.logStartOffset));
    if (offset > m.logStartOffset) {
      m.logStartOffset = offset;
      m.batches = m.batches.filter((b) => last(b) >= offset);
      m.epochs = epochsFromStart(m.epochs, offset);
    }
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `deleteRecords(at ${this.at.toFixed(2)})`;
  }
}

class RetainBytes implements LogCommand {
  constructor(readonly fraction: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const log = r.t.log;
    const limit = Math.floor(this.fraction * log.size);
    log.updateConfig({ ...log.config, retentionBytes: limit });
    const deleted = log.deleteOldSegments();
    log.updateConfig({ ...log.config, retentionBytes: -1 });
    if (deleted > 0) expect(log.size).toBeGreaterThanOrEqual(limit);
    acceptNewLogStart(m, log.logStartOffset);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `retainBytes(${this.fraction.toFixed(2)} of size)`;
  }
}

class AgeAndRetain implements LogCommand {
  constructor(
    readonly advanceMs: number,
    readonly retentionMs: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const log = r.t.log;
    r.t.clock.advance(this.advanceMs);
    log.updateConfig({ ...log.config, retentionMs: this.retentionMs });
    log.deleteOldSegments();
    log.updateConfig({ ...log.config, retentionMs: -1 });
    const horizon = r.t.clock.nowMs() - this.retentionMs;
    for (const b of m.batches.filter((x) => last(x) < log.logStartOffset)) expect(b.timestamp).toBeLessThan(horizon);
    acceptNewLogStart(m, log.logStartOffset);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `ageAndRetain(+${this.advanceMs}ms, retention.ms ${this.retentionMs})`;
  }
}

class Truncate implements LogCommand {
  constructor(readonly at: number) {}
  check(m: Model): boolean {
    return m.batches.some((b) => b.base >= m.logStartOffset);
  }
  async run(m: Model, r: Real): Promise<void> {
    const candidates = m.batches.filter((b) => b.base >= m.logStartOffset);
    const target = candidates[Math.floor(this.at * candidates.length * 0.999)].base;
    expect(r.t.log.truncateTo(target)).toBe(true);
    m.batches = m.batches.filter((b) => b.base < target);
    m.leo = target;
    m.hw = Math.min(m.hw, target);
    m.durable = Math.min(m.durable, target);
    m.epochs = m.epochs.filter((e) => e.startOffset < target);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `truncate(at ${this.at.toFixed(2)})`;
  }
}

class Reopen implements LogCommand {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.t.log.close();
    r.t.reopen();
    m.durable = m.leo;
    m.epochs = m.epochs.filter((e) => e.startOffset < m.leo);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return "reopen";
  }
}

/** Lets background work finish: the fsync Kafka starts when a segment rolls, and what follows it. */
class Settle implements LogCommand {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    checkAgainstModel(m, r);
  }
  toString(): string {
    return "settle";
  }
}

class PowerCut implements LogCommand {
  constructor(
    readonly seed: number,
    readonly zeroFill: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    let state = this.seed >>> 0;
    r.disk.crash(() => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32), this.zeroFill);
    const log = r.t.reopen();
    const end = log.logEndOffset;
    expect(end).toBeGreaterThanOrEqual(Math.max(m.durable, m.logStartOffset));
    expect(end).toBeLessThanOrEqual(Math.max(m.leo, m.logStartOffset));
    if (end === m.logStartOffset && !m.batches.some((b) => b.base === end) && end !== m.leo) {
      m.batches = [];
      m.epochs = [];
    } else {
      expect(m.batches.some((b) => b.base === end) || end === m.leo).toBe(true);
      m.batches = m.batches.filter((b) => b.base < end);
      m.epochs = m.epochs.filter((e) => e.startOffset < end);
    }
    m.leo = end;
    m.durable = end;
    // The high watermark comes back from its last checkpoint, clamped into the recovered log.
    expect(log.highWatermark).toBeGreaterThanOrEqual(m.logStartOffset);
    expect(log.highWatermark).toBeLessThanOrEqual(Math.min(Math.max(m.hw, m.logStartOffset), end));
    m.hw = log.highWatermark;
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `powerCut(seed ${this.seed}, zeroFill ${this.zeroFill})`;
  }
}

const commands = [
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.constantFrom<CompressionName>("none", "none", "gzip", "snappy", "lz4")).map(([n, c]) => new Append(n, c)),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 600 })).map(([a, u, b]) => new Read(a, u, b)),
  fc.double({ min: 0, max: 1, noNaN: true }).map((a) => new UpdateHighWatermark(a)),
  fc.constant(new Roll()),
  fc.constant(new BumpEpoch()),
  fc.double({ min: 0, max: 1, noNaN: true }).map((a) => new DeleteRecords(a)),
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => new RetainBytes(f)),
  fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 10_000 })).map(([a, ms]) => new AgeAndRetain(a, ms)),
  fc.double({ min: 0, max: 1, noNaN: true }).map((a) => new Truncate(a)),
  fc.constant(new Reopen()),
  fc.constant(new Settle()),
  fc.tuple(fc.integer(), fc.boolean()).map(([s, z]) => new PowerCut(s, z)),
];

describe("PartitionLog against a model", () => {
  it("holds exactly what the model holds through any sequence of operations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.commands(commands, { maxCommands: 40, size: "max" }), async (syncEveryAppend, cmds) => {
        const disk = new MemoryDisk();
        const t = openTestLog({ disk, clock: new ManualClock(T0), config: { ...SMALL_SEGMENTS, segmentBytes: 400, indexIntervalBytes: 100, flushMessages: syncEveryAppend ? 1 : LONG_MAX } });
        const model: Model = { batches: [], logStartOffset: 0, leo: 0, hw: 0, durable: 0, epoch: 0, epochs: [], syncEveryAppend, nextValue: 0 };
        await fc.asyncModelRun(() => ({ model, real: { t, disk } }), cmds);
      }),
      { numRuns: 200 },
    );
  });
});
