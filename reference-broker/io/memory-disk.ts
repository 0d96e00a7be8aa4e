// An in-memory Disk that can crash: contents are durable only up to the last fsync, and a crash keeps
// an arbitrary part of the unsynced tail, possibly zero-filled, as a power cut can. Used by crash
// tests and by a cluster simulated in one process. Simplification: names (create, rename, delete)
// are durable at once; only file contents are subject to loss.
import { DiskError, type Disk, type DiskFile } from "./disk.ts";

interface StoredFile {
  bytes: Buffer;
  length: number;
  durable: Buffer;
  /** Counts syncs, so a background sync never overwrites a later foreground one. */
  syncs: number;
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

function normalise(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

class MemoryDiskFile implements DiskFile {
  private closed = false;

  constructor(
    private readonly disk: MemoryDisk,
    readonly path: string,
    private readonly generation: number,
  ) {}

  size(): number {
    return this.file("stat").length;
  }

  append(data: Uint8Array): void {
    const f = this.file("write");
    if (f.length + data.length > f.bytes.length) {
      const grown = Buffer.alloc(Math.max(f.length + data.length, f.bytes.length * 2, 256));
      f.bytes.copy(grown, 0, 0, f.length);
      f.bytes = grown;
    }
    f.bytes.set(data, f.length);
    f.length += data.length;
  }

  read(position: number, length: number): Buffer {
    const f = this.file("read");
    const end = Math.min(f.length, position + length);
    return Buffer.from(f.bytes.subarray(Math.min(position, end), end));
  }

  truncate(size: number): void {
    const f = this.file("truncate");
    if (size < f.length) f.bytes.fill(0, size, f.length);
    else if (size > f.length) this.append(Buffer.alloc(size - f.length));
    f.length = size;
  }

  sync(): void {
    const f = this.file("fsync");
    f.durable = Buffer.from(f.bytes.subarray(0, f.length));
    f.syncs++;
  }

  /** Makes the contents as of the call durable one microtask later, unless a crash comes first. */
  syncInBackground(): Promise<void> {
    let f: StoredFile;
    try {
      f = this.file("fsync");
    } catch (err) {
      return Promise.reject(err);
    }
    const snapshot = Buffer.from(f.bytes.subarray(0, f.length));
    const syncsAtCall = f.syncs;
    return Promise.resolve().then(() => {
      if (this.generation !== this.disk.generation) throw new DiskError("fsync", this.path, new Error("crashed before the sync completed"));
      if (f.syncs === syncsAtCall) {
        f.durable = snapshot;
        f.syncs++;
      }
    });
  }

  close(): void {
    this.closed = true;
  }

  private file(operation: string): StoredFile {
    if (this.closed) throw new DiskError(operation, this.path, new Error("file handle is closed"));
    if (this.generation !== this.disk.generation) {
      throw new DiskError(operation, this.path, new Error("file handle predates a crash"));
    }
    const f = this.disk.files.get(this.path);
    if (!f) throw new DiskError(operation, this.path, new Error("file was deleted"));
    return f;
  }
}

export class MemoryDisk implements Disk {
  /** @internal shared with the file handles */
  readonly files = new Map<string, StoredFile>();
  private readonly dirs = new Set<string>(["/"]);
  /** @internal bumped by crash() so that handles opened before it stop working */
  generation = 0;

  open(path: string): DiskFile {
    const p = normalise(path);
    if (!this.dirs.has(parentOf(p))) throw new DiskError("open", p, new Error("no such directory"));
    if (!this.files.has(p)) this.files.set(p, { bytes: Buffer.alloc(0), length: 0, durable: Buffer.alloc(0), syncs: 0 });
    return new MemoryDiskFile(this, p, this.generation);
  }

  exists(path: string): boolean {
    const p = normalise(path);
    return this.files.has(p) || this.dirs.has(p);
  }

  list(dir: string): string[] {
    const d = normalise(dir);
    const names: string[] = [];
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== d && parentOf(p) === d) names.push(p.slice(d === "/" ? 1 : d.length + 1));
    }
    return names.sort();
  }

  mkdirs(dir: string): void {
    for (let d = normalise(dir); !this.dirs.has(d); d = parentOf(d)) this.dirs.add(d);
  }

  rename(from: string, to: string): void {
    const f = this.files.get(normalise(from));
    if (!f) throw new DiskError("rename", from, new Error("no such file"));
    this.files.delete(normalise(from));
    this.files.set(normalise(to), f);
  }

  remove(path: string): void {
    this.files.delete(normalise(path));
  }

  removeTree(path: string): void {
    const root = normalise(path);
    const under = (p: string) => p === root || p.startsWith(`${root}/`);
    for (const p of [...this.files.keys()]) if (under(p)) this.files.delete(p);
    for (const p of [...this.dirs]) if (under(p) && p !== "/") this.dirs.delete(p);
  }

  syncDir(dir: string): void {
    if (!this.dirs.has(normalise(dir))) throw new DiskError("fsync", dir, new Error("no such directory"));
  }

  /**
   * Simulates a power cut. Each file keeps what was synced plus a random prefix of what was
   * written since; with zeroFill the last part of that kept tail reads as zeros (blocks allocated
   * but never written). Handles opened before the crash stop working.
   */
  crash(random: () => number = Math.random, zeroFill = true): void {
    this.generation++;
    for (const f of this.files.values()) {
      const current = f.bytes.subarray(0, f.length);
      let common = 0;
      const limit = Math.min(f.durable.length, current.length);
      while (common < limit && f.durable[common] === current[common]) common++;
      const kept = common + Math.floor(random() * (current.length - common + 1));
      const survivor = Buffer.from(current.subarray(0, kept));
      if (zeroFill && kept > common && random() < 0.5) {
        survivor.fill(0, common + Math.floor(random() * (kept - common)));
      }
      f.bytes = survivor;
      f.length = survivor.length;
      f.durable = Buffer.from(survivor);
    }
  }
}
