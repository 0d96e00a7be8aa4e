// The file operations the log needs, behind an interface so node logic can run on a real disk or on
// a simulated one that loses unsynced writes. Synchronous on purpose: appends go to the page cache
// and return, exactly as Kafka's do; only fsync has a background variant.
import { KconformError } from "../../harness/errors.ts";

/** An open file, read-write. Writes only ever append; shrinking is explicit with truncate(). */
export interface DiskFile {
  readonly path: string;
  /** Current length in bytes, including writes not yet synced. */
  size(): number;
  /** Writes all of data at the end of the file. */
  append(data: Uint8Array): void;
  /** Up to length bytes from position; shorter only when the file ends first. */
  read(position: number, length: number): Buffer;
  truncate(size: number): void;
  /** fsync: contents and length are durable when this returns. */
  sync(): void;
  /** fsync off the event loop, as Kafka flushes a rolled segment in the background. */
  syncInBackground(): Promise<void>;
  /** Closes the handle; a background sync still running completes first. */
  close(): void;
}

export interface Disk {
  /** Opens a file for reading and appending, creating it when missing. */
  open(path: string): DiskFile;
  exists(path: string): boolean;
  /** Names of the entries of dir, sorted; empty when dir does not exist. */
  list(dir: string): string[];
  mkdirs(dir: string): void;
  /** Replaces `to` if it exists (atomic on a real file system). */
  rename(from: string, to: string): void;
  /** Deletes a file; no error when it is already gone. */
  remove(path: string): void;
  /** Deletes a directory and everything below it; no error when it is already gone. */
  removeTree(path: string): void;
  /** Makes creations, renames and deletions in dir durable. */
  syncDir(dir: string): void;
}

/** An I/O failure, with the operation and path; Kafka answers these with KAFKA_STORAGE_ERROR. */
export class DiskError extends KconformError {
  constructor(operation: string, path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`disk ${operation} failed on ${path}: ${reason}`, "disk-io", { operation, path }, { cause });
  }
}

/** Whole contents of a file, or undefined when it does not exist. */
export function readWholeFile(disk: Disk, path: string): Buffer | undefined {
  if (!disk.exists(path)) return undefined;
  const file = disk.open(path);
  try {
    return file.read(0, file.size());
  } finally {
    file.close();
  }
}

/**
 * Replaces a small file so that a crash leaves either the old or the new contents: write a
 * temporary file, sync it, rename it over the target, sync the directory.
 */
export function writeFileAtomically(disk: Disk, dir: string, name: string, data: Uint8Array): void {
  const target = `${dir}/${name}`;
  const temporary = `${target}.tmp`;
  disk.remove(temporary);
  const file = disk.open(temporary);
  try {
    file.append(data);
    file.sync();
  } finally {
    file.close();
  }
  disk.rename(temporary, target);
  disk.syncDir(dir);
}
