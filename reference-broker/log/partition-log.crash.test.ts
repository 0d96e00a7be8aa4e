// Crash recovery: torn and corrupt tails written by hand on the real disk, damaged index files,
// random power cuts on the in-memory disk, and a SIGKILL of a process appending with fsync.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { NodeDisk } from "../io/node-disk.ts";
import { clientBatch, openTestLog, readAll, SMALL_SEGMENTS, T0, values, type TestLog } from "./fixtures/partition-logs.ts";
import { segmentFileName } from "./log-segment.ts";
import { splitBatches } from "./record-batch.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(): string {
  const root = mkdtempSync(join(tmpdir(), "kconform-log-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A log on the real disk holding v0..v(n-1), one record per batch, fsynced, left open as a crash leaves it. */
function crashedLog(n: number): TestLog {
  const t = openTestLog({ disk: new NodeDisk(), dir: join(tempDir(), "topic-0"), config: { ...SMALL_SEGMENTS, segmentBytes: 1 << 20, flushMessages: 1 } });
  for (let i = 0; i < n; i++) t.log.appendAsLeader(clientBatch([`v${i}`], T0), { leaderEpoch: 0 });
  return t;
}

function activeFile(t: TestLog): string {
  return join(t.dir, segmentFileName(t.log.segmentInfos().at(-1)!.baseOffset, ".log"));
}

function batchPositions(file: string): number[] {
  const positions: number[] = [];
  let position = 0;
  for (const batch of splitBatches(readFileSync(file)).batches) {
    positions.push(position);
    position += batch.sizeInBytes;
  }
  return positions;
}

describe("recovery of the active segment", () => {
  it("cuts a partial batch at the end exactly at the last whole batch and takes the next offset", () => {
    const t = crashedLog(10);
    const file = activeFile(t);
    const sizeBefore = statSync(file).size;
    appendFileSync(file, clientBatch(["torn"], T0).buffer.subarray(0, 40));
    const log = t.reopen();
    expect(statSync(file).size).toBe(sizeBefore);
    expect(log.logEndOffset).toBe(10);
    expect(log.appendAsLeader(clientBatch(["next"], T0), { leaderEpoch: 0 }).firstOffset).toBe(10);
    expect(values(readAll(log))).toEqual([...Array.from({ length: 10 }, (_, i) => `v${i}`), "next"]);
    expect(t.lines.some((l) => l.includes("recovery truncated 40 bytes"))).toBe(true);
  });

  it("cuts at a batch whose CRC does not match, dropping everything after it", () => {
    const t = crashedLog(10);
    const file = activeFile(t);
    const positions = batchPositions(file);
    const bytes = readFileSync(file);
    bytes[positions[7] + 70] ^= 0x55;
    writeFileSync(file, bytes);
    const log = t.reopen();
    expect(log.logEndOffset).toBe(7);
    expect(statSync(file).size).toBe(positions[7]);
    expect(log.appendAsLeader(clientBatch(["after"], T0), { leaderEpoch: 0 }).firstOffset).toBe(7);
  });

  it("cuts zero-filled space at the end (allocated but never written)", () => {
    const t = crashedLog(5);
    appendFileSync(activeFile(t), Buffer.alloc(4096));
    expect(t.reopen().logEndOffset).toBe(5);
  });

  it("cuts a batch whose length field points past the end of the file", () => {
    const t = crashedLog(5);
    const file = activeFile(t);
    const bytes = readFileSync(file);
    bytes.writeInt32BE(1_000_000, batchPositions(file)[4] + 8);
    writeFileSync(file, bytes);
    expect(t.reopen().logEndOffset).toBe(4);
  });
});

describe("recovery of rolled segments", () => {
  it("rebuilds missing or damaged index files of an older segment after a clean shutdown", () => {
    const t = openTestLog({ disk: new NodeDisk(), dir: join(tempDir(), "topic-0") });
    for (let i = 0; i < 60; i++) t.log.appendAsLeader(clientBatch([`v${i}`], T0 + i), { leaderEpoch: 0 });
    const segments = t.log.segmentInfos();
    t.log.close();
    rmSync(join(t.dir, segmentFileName(segments[0].baseOffset, ".index")));
    writeFileSync(join(t.dir, segmentFileName(segments[1].baseOffset, ".timeindex")), Buffer.from("garbage!"));
    const log = t.reopen();
    expect(log.segmentInfos()).toEqual(segments);
    expect(values(readAll(log))).toEqual(Array.from({ length: 60 }, (_, i) => `v${i}`));
    expect(log.offsetForTimestamp(T0 + 17)?.offset).toBe(17);
  });

  it("restarts at a durable log start offset when the data before the crash ended below it", () => {
    const disk = new MemoryDisk();
    const t = openTestLog({ disk });
    for (let i = 0; i < 5; i++) t.log.appendAsLeader(clientBatch([`v${i}`], T0), { leaderEpoch: 0 });
    t.log.updateHighWatermark(5);
    t.log.deleteRecordsBefore(4);
    disk.crash(() => 0, false);
    const log = t.reopen();
    expect([log.logStartOffset, log.logEndOffset]).toEqual([4, 4]);
    expect(log.appendAsLeader(clientBatch(["x"], T0), { leaderEpoch: 0 }).firstOffset).toBe(4);
  });
});

describe("random power cuts", () => {
  it("keep every synced batch, recover to a prefix of what was written, and continue at the next offset", () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("append" as const), records: fc.integer({ min: 1, max: 4 }) }),
      fc.constant({ kind: "flush" as const }),
      fc.constant({ kind: "roll" as const }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60, size: "max" }), fc.integer(), fc.boolean(), (steps, seed, zeroFill) => {
        const disk = new MemoryDisk();
        const t = openTestLog({ disk, clock: new ManualClock(T0) });
        const written: string[] = [];
        let synced = 0;
        for (const s of steps) {
          if (s.kind === "append") {
            const vs = Array.from({ length: s.records }, (_, i) => `v${written.length + i}`);
            t.log.appendAsLeader(clientBatch(vs, T0), { leaderEpoch: 0 });
            written.push(...vs);
          } else if (s.kind === "flush") {
            t.log.flush();
            synced = written.length;
          } else if (s.kind === "truncate") {
            t.log.truncateTo(Math.floor(s.at * written.length));
            written.length = t.log.logEndOffset;
            synced = Math.min(synced, written.length);
          } else {
            t.log.roll();
          }
        }
        let state = seed >>> 0;
        disk.crash(() => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32), zeroFill);
        const log = t.reopen();
        const recovered = values(readAll(log));
        expect(recovered).toEqual(written.slice(0, recovered.length));
        expect(recovered.length).toBeGreaterThanOrEqual(synced);
        expect(log.logEndOffset).toBe(recovered.length);
        expect(log.appendAsLeader(clientBatch(["after"], T0), { leaderEpoch: 0 }).firstOffset).toBe(recovered.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe("SIGKILL while appending with flush.messages=1", () => {
  it("keeps every acknowledged record and accepts the next offset", async () => {
    const dir = join(tempDir(), "crash-0");
    const script = fileURLToPath(new URL("./fixtures/append-until-killed.ts", import.meta.url));
    const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, dir], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => child.kill("SIGKILL"));
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const acked = await new Promise<number>((resolve, reject) => {
      let buffered = "";
      let last = -1;
      child.stdout.on("data", (chunk) => {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) last = Number(line);
        if (last >= 400) {
          child.kill("SIGKILL");
          resolve(last);
        }
      });
      child.on("exit", (code, signal) => {
        if (signal !== "SIGKILL") reject(new Error(`appender exited early (code ${code}): ${stderr}`));
      });
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.on("exit", resolve)));

    const t = openTestLog({ disk: new NodeDisk(), dir, config: { ...SMALL_SEGMENTS, segmentBytes: 8 * 1024 } });
    const recovered = values(readAll(t.log));
    expect(recovered.length).toBeGreaterThan(acked);
    expect(recovered).toEqual(Array.from({ length: recovered.length }, (_, i) => `v${i}`));
    expect(t.log.segmentInfos().length).toBeGreaterThan(1);
    expect(t.log.appendAsLeader(clientBatch(["next"], T0), { leaderEpoch: 0 }).firstOffset).toBe(recovered.length);
    t.log.close();
  }, 60_000);
});
