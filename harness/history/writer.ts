// Appends a history to its file one line per event, written through to the operating system
// before append returns, so the history survives a crash of the harness and can still be checked.
import { closeSync, openSync, writeSync } from "node:fs";
import { HistoryFileError, MalformedHistoryError } from "./errors.ts";
import { HISTORY_FORMAT_VERSION, type HistoryEvent, type HistoryHeader, type NewHistoryEvent } from "./types.ts";
import { eventProblem, headerProblem } from "./validate.ts";

export interface HistoryWriterOptions {
  /** Monotonic clock in nanoseconds; event times are measured from its reading at create. */
  now?: () => bigint;
}

export class HistoryWriter {
  private nextIndex = 0;
  private line = 0;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly now: () => bigint,
    private readonly startedAt: bigint,
  ) {
    this.fd = fd;
  }

  /** Creates `path` (it must not exist yet) and writes the header line. */
  static create(path: string, metadata: Omit<HistoryHeader, "kconform-history"> = {}, options: HistoryWriterOptions = {}): HistoryWriter {
    const header = { "kconform-history": HISTORY_FORMAT_VERSION, ...metadata };
    const problem = headerProblem(header);
    if (problem) throw new MalformedHistoryError(1, problem, path);
    const now = options.now ?? process.hrtime.bigint;
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      throw new HistoryFileError(path, "create", error);
    }
    const writer = new HistoryWriter(path, fd, now, now());
    writer.writeLine(JSON.stringify(header));
    return writer;
  }

  /**
   * Numbers the event, stamps its time (unless given) and appends it. Throws MalformedHistoryError
   * for an event the format does not allow, so a harness bug shows where it happens, not later.
   */
  append(event: NewHistoryEvent): HistoryEvent {
    const time = event.time ?? Number(this.now() - this.startedAt);
    const full = { ...event, index: this.nextIndex, time } as HistoryEvent;
    const problem = eventProblem(full);
    if (problem) throw new MalformedHistoryError(this.line + 1, problem, this.path);
    this.writeLine(JSON.stringify(full));
    this.nextIndex++;
    return full;
  }

  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch (error) {
      throw new HistoryFileError(this.path, "close", error);
    }
  }

  private writeLine(text: string): void {
    if (this.fd === undefined) throw new HistoryFileError(this.path, "append to", new Error("the writer is closed"));
    const bytes = Buffer.from(`${text}\n`, "utf8");
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written);
    } catch (error) {
      throw new HistoryFileError(this.path, "append to", error);
    }
    this.line++;
  }
}
