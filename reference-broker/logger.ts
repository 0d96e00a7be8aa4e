// One-line log records for the reference broker's operators: level, component and the facts
// (client, API, partition) that let a line be acted on without a debugger.

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, message: string, facts?: Record<string, unknown>): void;
  child(component: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes `TIME LEVEL [component] message key=value ...` lines to a sink (stderr by default). */
export function lineLogger(
  component: string,
  options: { level?: LogLevel; sink?: (line: string) => void } = {},
): Logger {
  const threshold = ORDER[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
  return {
    log(level, message, facts) {
      if (ORDER[level] < threshold) return;
      const rendered = facts
        ? Object.entries(facts).map(([k, v]) => ` ${k}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`).join("")
        : "";
      sink(`${new Date().toISOString()} ${level.toUpperCase()} [${component}] ${message}${rendered}`);
    },
    child(name) {
      return lineLogger(`${component}.${name}`, options);
    },
  };
}
