// Typed errors of the history format: a line that is not a valid event (named by its number), and
// a history file that cannot be read, created or written.
import { CouldNotRunError } from "../errors.ts";

/** A history line that does not follow the format; nothing after it can be trusted. */
export class MalformedHistoryError extends CouldNotRunError {
  constructor(
    /** 1-based line number in the file (the header is line 1). */
    readonly line: number,
    readonly reason: string,
    readonly source = "history",
  ) {
    super(`${source}:${line}: ${reason}`, "malformed-history", { source, line, reason });
  }
}

/** The file system refused: the history cannot be read, created or appended to. */
export class HistoryFileError extends CouldNotRunError {
  constructor(path: string, action: "read" | "create" | "append to" | "close", cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`cannot ${action} history ${path}: ${why}`, "history-file", { path, action }, { cause });
  }
}
