// The Disk contract, run against the real node:fs disk and the in-memory one, plus the in-memory
// disk's crash model (synced bytes survive, unsynced ones may not).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiskError, readWholeFile, writeFileAtomically, type Disk } from "./disk.ts";
import { MemoryDisk } from "./memory-disk.ts";
import { NodeDisk } from "./node-disk.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function nodeRoot(): { disk: Disk; root: string } {
  const root = mkdtempSync(join(tmpdir(), "kconform-disk-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return { disk: new NodeDisk(), root };
}

function memoryRoot(): { disk: Disk; root: string } {
  const disk = new MemoryDisk();
  disk.mkdirs("/data");
  return { disk, root: "/data" };
}

describe.each([
  ["NodeDisk", nodeRoot],
  ["MemoryDisk", memoryRoot],
])("%s", (_name, setup) => {
  it("appends, reads at positions, truncates and reports size", () => {
    const { disk, root } = setup();
    const f = disk.open(`${root}/a.log`);
    expect(f.size()).toBe(0);
    f.append(Buffer.from("hello "));
    f.append(Buffer.from("world"));
    expect(f.size()).toBe(11);
    expect(f.read(6, 5).toString()).toBe("world");
    expect(f.read(6, 100).toString()).toBe("world");
    expect(f.read(11, 5).length).toBe(0);
    f.truncate(5);
    f.append(Buffer.from("!"));
    expect(f.read(0, 100).toString()).toBe("hello!");
    f.sync();
    f.close();
    const again = disk.open(`${root}/a.log`);
    expect(again.size()).toBe(6);
    again.close();
  });

  it("lists, renames and removes files and trees", () => {
    const { disk, root } = setup();
    disk.mkdirs(`${root}/p/q`);
    disk.open(`${root}/p/b`).close();
    disk.open(`${root}/p/a`).close();
    expect(disk.list(`${root}/p`)).toEqual(["a", "b", "q"]);
    disk.rename(`${root}/p/a`, `${root}/p/c`);
    expect(disk.exists(`${root}/p/a`)).toBe(false);
    expect(disk.exists(`${root}/p/c`)).toBe(true);
    disk.remove(`${root}/p/c`);
    disk.remove(`${root}/p/c`);
    expect(disk.list(`${root}/p`)).toEqual(["b", "q"]);
    disk.syncDir(`${root}/p`);
    disk.removeTree(`${root}/p`);
    expect(disk.exists(`${root}/p`)).toBe(false);
    expect(disk.list(`${root}/p`)).toEqual([]);
  });

  it("replaces small files atomically and reads them whole", () => {
    const { disk, root } = setup();
    expect(readWholeFile(disk, `${root}/state`)).toBeUndefined();
    writeFileAtomically(disk, root, "state", Buffer.from("one"));
    writeFileAtomically(disk, root, "state", Buffer.from("two"));
    expect(readWholeFile(disk, `${root}/state`)?.toString()).toBe("two");
    expect(disk.list(root)).toEqual(["state"]);
  });

  it("completes a background sync even when the file is closed meanwhile", async () => {
    const { disk, root } = setup();
    const f = disk.open(`${root}/bg.log`);
    f.append(Buffer.from("data"));
    const synced = f.syncInBackground();
    f.close();
    await expect(synced).resolves.toBeUndefined();
  });

  it("wraps failures in a DiskError naming the operation and path", () => {
    const { disk, root } = setup();
    expect(() => disk.open(`${root}/missing-dir/x`)).toThrow(DiskError);
  });
});

describe("MemoryDisk crash", () => {
  it("keeps every synced byte and at most what was written after", () => {
    for (let seed = 0; seed < 50; seed++) {
      const disk = new MemoryDisk();
      disk.mkdirs("/d");
      const f = disk.open("/d/f");
      f.append(Buffer.from("synced-part|"));
      f.sync();
      f.append(Buffer.from("unsynced-tail"));
      let state = seed;
      const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
      disk.crash(random);
      expect(() => f.size()).toThrow(DiskError);
      const after = readWholeFile(disk, "/d/f")!;
      expect(after.subarray(0, 12).toString()).toBe("synced-part|");
      expect(after.length).toBeLessThanOrEqual(25);
      const tail = after.subarray(12);
      const original = Buffer.from("unsynced-tail").subarray(0, tail.length);
      tail.forEach((byte, i) => expect([0, original[i]]).toContain(byte));
    }
  });

  it("makes a background sync durable only once it has completed", async () => {
    const disk = new MemoryDisk();
    disk.mkdirs("/d");
    const f = disk.open("/d/f");
    f.append(Buffer.from("abc"));
    const lost = f.syncInBackground();
    disk.crash(() => 0);
    await expect(lost).rejects.toThrow(DiskError);
    expect(readWholeFile(disk, "/d/f")?.length).toBe(0);
    const g = disk.open("/d/f");
    g.append(Buffer.from("xyz"));
    await g.syncInBackground();
    disk.crash(() => 0);
    expect(readWholeFile(disk, "/d/f")?.toString()).toBe("xyz");
  });
});
