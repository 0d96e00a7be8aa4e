// The real Disk: node:fs with synchronous calls (page-cache writes cost microseconds) and a
// libuv-thread fsync for background flushes.
import * as fs from "node:fs";
import { DiskError, type Disk, type DiskFile } from "./disk.ts";

function attempt<T>(operation: string, path: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    throw new DiskError(operation, path, err);
  }
}

class NodeDiskFile implements DiskFile {
  private length: number;
  private backgroundSyncs = 0;
  private closeRequested = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.length = attempt("stat", path, () => fs.fstatSync(fd).size);
  }

  size(): number {
    return this.length;
  }

  append(data: Uint8Array): void {
    attempt("write", this.path, () => {
      let written = 0;
      while (written < data.length) {
        written += fs.writeSync(this.fd, data, written, data.length - written, this.length + written);
      }
    });
    this.length += data.length;
  }

  read(position: number, length: number): Buffer {
    const wanted = Math.max(0, Math.min(length, this.length - position));
    const out = Buffer.allocUnsafe(wanted);
    const got = attempt("read", this.path, () => {
      let done = 0;
      while (done < wanted) {
        const n = fs.readSync(this.fd, out, done, wanted - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    });
    return got === wanted ? out : out.subarray(0, got);
  }

  truncate(size: number): void {
    attempt("truncate", this.path, () => fs.ftruncateSync(this.fd, size));
    this.length = size;
  }

  sync(): void {
    attempt("fsync", this.path, () => fs.fsyncSync(this.fd));
  }

  syncInBackground(): Promise<void> {
    this.backgroundSyncs++;
    return new Promise<void>((resolve, reject) => {
      fs.fsync(this.fd, (err) => {
        this.backgroundSyncs--;
        if (this.closeRequested && this.backgroundSyncs === 0) this.closeNow();
        if (err) reject(new DiskError("fsync", this.path, err));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    // Closing under a running fsync would let the descriptor be reused by another file.
    if (this.backgroundSyncs === 0) this.closeNow();
  }

  private closeNow(): void {
    attempt("close", this.path, () => fs.closeSync(this.fd));
  }
}

export class NodeDisk implements Disk {
  open(path: string): DiskFile {
    const fd = attempt("open", path, () => fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644));
    return new NodeDiskFile(path, fd);
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  list(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return attempt("list", dir, () => fs.readdirSync(dir).sort());
  }

  mkdirs(dir: string): void {
    attempt("mkdir", dir, () => fs.mkdirSync(dir, { recursive: true }));
  }

  rename(from: string, to: string): void {
    attempt("rename", from, () => fs.renameSync(from, to));
  }

  remove(path: string): void {
    attempt("remove", path, () => fs.rmSync(path, { force: true }));
  }

  removeTree(path: string): void {
    attempt("remove", path, () => fs.rmSync(path, { recursive: true, force: true }));
  }

  syncDir(dir: string): void {
    attempt("fsync", dir, () => {
      const fd = fs.openSync(dir, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
}
