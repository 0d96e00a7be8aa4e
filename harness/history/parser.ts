// Incremental parser of history text: feed it chunks as they arrive, it hands out validated events
// in order and stops at the first malformed line. A last line cut short by a crash of the writer
// is reported, not fatal: everything before it is still a history.
import { MalformedHistoryError } from "./errors.ts";
import type { HistoryEvent, HistoryHeader } from "./types.ts";
import { eventProblem, headerProblem } from "./validate.ts";

/** The unterminated last line that did not parse: the writer died while writing it. */
export interface TruncatedLine {
  line: number;
  text: string;
}

export interface ParseSummary {
  header: HistoryHeader;
  /** Number of events handed out. */
  events: number;
  truncatedLastLine?: TruncatedLine;
}

export class HistoryParser {
  private header: HistoryHeader | undefined;
  private rest = "";
  private lineNumber = 0;
  private events = 0;
  private lastIndex = -1;

  constructor(
    private readonly onEvent: (event: HistoryEvent) => void,
    /** How errors name the input, usually its path. */
    private readonly source = "history",
  ) {}

  /** Parses every complete line in `chunk` (plus what was left over from the previous chunk). */
  push(chunk: string): void {
    const text = this.rest.length > 0 ? this.rest + chunk : chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      this.line(text.slice(start, end));
      start = end + 1;
    }
    this.rest = text.slice(start);
  }

  /** Ends the input: parses a last line without newline, or reports it as truncated. */
  end(): ParseSummary {
    let truncatedLastLine: TruncatedLine | undefined;
    if (this.rest.length > 0) {
      const text = this.rest;
      this.rest = "";
      if (this.parses(text)) {
        this.line(text);
      } else {
        truncatedLastLine = { line: this.lineNumber + 1, text };
      }
    }
    if (this.header === undefined) {
      const reason = truncatedLastLine ? "the header line is incomplete" : "empty history: no header line";
      throw new MalformedHistoryError(1, reason, this.source);
    }
    return { header: this.header, events: this.events, ...(truncatedLastLine && { truncatedLastLine }) };
  }

  private parses(text: string): boolean {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  private line(raw: string): void {
    this.lineNumber++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const why = text.trim().length === 0 ? "empty line" : `not JSON (${(error as Error).message})`;
      throw new MalformedHistoryError(this.lineNumber, why, this.source);
    }
    if (this.header === undefined) {
      const problem = headerProblem(parsed);
      if (problem) throw new MalformedHistoryError(this.lineNumber, problem, this.source);
      this.header = parsed as HistoryHeader;
      return;
    }
    const problem = eventProblem(parsed);
    if (problem) throw new MalformedHistoryError(this.lineNumber, problem, this.source);
    const event = parsed as HistoryEvent;
    if (event.index <= this.lastIndex) {
      throw new MalformedHistoryError(this.lineNumber, `"index" ${event.index} does not follow ${this.lastIndex}: indices must increase`, this.source);
    }
    this.lastIndex = event.index;
    this.events++;
    this.onEvent(event);
  }
}
