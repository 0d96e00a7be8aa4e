// Reads a history file as a stream, so a history of millions of operations never has to sit in
// memory as text; events go to a callback (or into an array) as soon as their line is validated.
import { createReadStream } from "node:fs";
import { HistoryFileError } from "./errors.ts";
import { HistoryParser, type ParseSummary, type TruncatedLine } from "./parser.ts";
import type { HistoryEvent, HistoryHeader } from "./types.ts";

export interface History {
  header: HistoryHeader;
  events: HistoryEvent[];
  truncatedLastLine?: TruncatedLine;
}

/**
 * Streams the events of a history file to `onEvent`, in order. Throws MalformedHistoryError at the
 * first malformed line (events before it have been delivered) and HistoryFileError when the file
 * cannot be read.
 */
export async function streamHistoryFile(path: string, onEvent: (event: HistoryEvent) => void): Promise<ParseSummary> {
  const parser = new HistoryParser(onEvent, path);
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) parser.push(chunk as string);
  } catch (error) {
    stream.destroy();
    // Errors of the file system are the reader's to explain; the parser's and the callback's pass.
    if (typeof (error as NodeJS.ErrnoException).syscall === "string") throw new HistoryFileError(path, "read", error);
    throw error;
  }
  return parser.end();
}

/** Reads a whole history file into memory. */
export async function readHistoryFile(path: string): Promise<History> {
  const events: HistoryEvent[] = [];
  const summary = await streamHistoryFile(path, (event) => events.push(event));
  return { header: summary.header, events, ...(summary.truncatedLastLine && { truncatedLastLine: summary.truncatedLastLine }) };
}
