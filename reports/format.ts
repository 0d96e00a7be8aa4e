// How every report writes numbers, durations and history values, so the HTML page, JUnit, Allure
// and the live progress line agree (and do not depend on the machine's locale).

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return GROUPED.format(n);
}

/** A duration in milliseconds for people: "850 ms", "12.3 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) return `${Math.floor(totalSeconds / 60)} min ${pad2(totalSeconds % 60)} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${pad2(totalMinutes % 60)} min`;
}

/** A latency in nanoseconds: "420 µs", "1.8 ms", "2.40 s". */
export function formatLatency(ns: number): string {
  if (!Number.isFinite(ns) || ns < 0) return "–";
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${trim(ns / 1_000)} µs`;
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

/** A stopwatch reading: "00:42", "12:05", "1:02:03". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1_000));
  const hours = Math.floor(total / 3_600);
  const rest = `${pad2(Math.floor((total % 3_600) / 60))}:${pad2(total % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

/** Seconds since the run started, for axes and event times: "0 s", "12.5 s". */
export function formatRunTime(ns: number): string {
  const s = ns / 1e9;
  return `${Number.isInteger(s) ? s : trim(s)} s`;
}

/** A history value as compact JSON, cut at `maxChars` with an ellipsis. Never throws. */
export function compactJson(value: unknown, maxChars = 240): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Three significant digits without trailing zeros: 1.80 → "1.8", 123.4 → "123". */
function trim(n: number): string {
  return String(Number(n.toPrecision(3)));
}
