// Validation of parsed history lines against format version 1. Pure: returns the first problem as
// a sentence (or nothing), so the reader can name the line and the writer can refuse bad events.
import { HISTORY_FORMAT_VERSION, OP_TYPES } from "./types.ts";

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isNonNegativeInteger(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function show(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The problem with a header line, or undefined when it is a version-1 header. */
export function headerProblem(raw: unknown): string | undefined {
  if (!isObject(raw) || !("kconform-history" in raw)) {
    return 'the first line must be the header {"kconform-history": 1, ...}';
  }
  const version = raw["kconform-history"];
  if (version !== HISTORY_FORMAT_VERSION) {
    return `history format version ${show(version)} is not supported (this kconform reads version ${HISTORY_FORMAT_VERSION})`;
  }
  if (raw.allowed !== undefined && !isStringArray(raw.allowed)) return '"allowed" must be a list of anomaly names';
  return undefined;
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}

/** What is wrong with an [offset, value] pair, without saying where (callers build that only on failure). */
function offsetValueProblem(pair: unknown): string | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return `expected [offset, value], got ${show(pair)}`;
  const offset = pair[0];
  if (offset !== null && !isNonNegativeInteger(offset)) return `offset must be a non-negative integer or null, got ${show(offset)}`;
  if (!Number.isSafeInteger(pair[1])) return `record value must be an integer, got ${show(pair[1])}`;
  return undefined;
}

/** What is wrong with a send micro-operation, as a suffix to its location ("[2]: ..." or ": ..."). */
function sendProblem(mop: unknown[], type: string): string | undefined {
  if (mop.length !== 3 && mop.length !== 4) return `: a send is ["send", partition, value] with an optional extras object`;
  if (typeof mop[1] !== "string" || mop[1].length === 0) return `: the send's partition must be a non-empty string`;
  const sent = mop[2];
  if (Array.isArray(sent)) {
    if (type === "invoke") return `: an invoked send carries the bare value, not [offset, value]`;
    const problem = offsetValueProblem(sent);
    if (problem) return `[2]: ${problem}`;
  } else if (!Number.isSafeInteger(sent)) {
    return `: record value must be an integer, got ${show(sent)}`;
  } else if (type === "ok") {
    return `: an ok send reports [offset, value] (offset null when unknown)`;
  }
  if (mop.length === 4) {
    const extras = mop[3];
    if (!isObject(extras)) return `: send extras must be an object`;
    if (extras.key !== undefined && extras.key !== null && typeof extras.key !== "string") return `: the key must be a string`;
  }
  return undefined;
}

/** What is wrong with a poll micro-operation, as a suffix to its location. */
function pollProblem(mop: unknown[], type: string): string | undefined {
  if (mop.length === 1) {
    return type === "ok" ? `: an ok poll reports what it read: ["poll", {partition: [[offset, value], ...]}]` : undefined;
  }
  if (type === "invoke") return `: an invoked poll is just ["poll"]`;
  if (mop.length !== 2 || !isObject(mop[1])) return `: expected ["poll", {partition: [[offset, value], ...]}]`;
  const records = mop[1];
  for (const partition in records) {
    const pairs = records[partition];
    if (!Array.isArray(pairs)) return `: records of ${partition} must be a list of [offset, value]`;
    for (let i = 0; i < pairs.length; i++) {
      const problem = offsetValueProblem(pairs[i]);
      if (problem) return `[1]["${partition}"][${i}]: ${problem}`;
    }
  }
  return undefined;
}

function microOpsProblem(value: unknown, f: string, type: string): string | undefined {
  if (!Array.isArray(value)) return `value of a ${f} must be a list of micro-operations`;
  for (let i = 0; i < value.length; i++) {
    const mop = value[i];
    if (!Array.isArray(mop) || (mop[0] !== "send" && mop[0] !== "poll")) return `value[${i}]: expected a ["send", ...] or ["poll", ...] micro-operation`;
    if (f !== "txn" && mop[0] !== f) return `value[${i}]: a ${f} operation may only hold ${f} micro-operations`;
    const problem = mop[0] === "send" ? sendProblem(mop, type) : pollProblem(mop, type);
    if (problem) return `value[${i}]${problem}`;
  }
  return undefined;
}

function rebalanceProblem(rebalance: unknown): string | undefined {
  if (!Array.isArray(rebalance)) return '"rebalance" must be a list of {"type", "partitions"} events';
  for (let i = 0; i < rebalance.length; i++) {
    const event = rebalance[i];
    if (!isObject(event) || (event.type !== "revoked" && event.type !== "assigned") || !isStringArray(event.partitions)) {
      return `rebalance[${i}]: expected {"type": "revoked"|"assigned", "partitions": [...]}`;
    }
    if (event.generation !== undefined && !Number.isSafeInteger(event.generation)) return `rebalance[${i}]: generation must be an integer`;
  }
  return undefined;
}

function countsProblem(value: unknown, what: string, f: string): string | undefined {
  if (!isObject(value)) return `value of a ${f} must be an object of ${what}`;
  for (const [name, n] of Object.entries(value)) {
    if (!isNonNegativeInteger(n)) return `value["${name}"]: expected a non-negative integer, got ${show(n)}`;
  }
  return undefined;
}

function clientValueProblem(event: Json, f: string, type: string): string | undefined {
  switch (f) {
    case "send":
    case "poll":
    case "txn":
      return microOpsProblem(event.value, f, type);
    case "assign":
    case "subscribe":
      if (!isStringArray(event.value)) return `value of ${f} must be a list of partitions or topics`;
      if (event["seek-to-beginning"] !== undefined && typeof event["seek-to-beginning"] !== "boolean") return '"seek-to-beginning" must be true or false';
      return undefined;
    case "commit":
      return countsProblem(event.value, "partition to committed offset", f);
    default:
      return undefined;
  }
}

/** The first problem with an event line, or undefined when it is a valid version-1 event. */
export function eventProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return "an event must be a JSON object";
  if (!isNonNegativeInteger(raw.index)) return `"index" must be a non-negative integer, got ${show(raw.index)}`;
  if (typeof raw.time !== "number" || !Number.isFinite(raw.time) || raw.time < 0) return `"time" must be non-negative nanoseconds, got ${show(raw.time)}`;
  const process = raw.process;
  if (process !== "nemesis" && !isNonNegativeInteger(process)) return `"process" must be a non-negative integer or "nemesis", got ${show(process)}`;
  const type = raw.type;
  if (typeof type !== "string" || !(OP_TYPES as readonly string[]).includes(type)) return `"type" must be one of ${OP_TYPES.join(", ")}, got ${show(type)}`;
  const f = raw.f;
  if (typeof f !== "string" || f.length === 0) return `"f" must be a non-empty string, got ${show(f)}`;
  if (raw.error !== undefined && typeof raw.error !== "string") return '"error" must be a string';
  if (f === "create-partitions") return countsProblem(raw.value, "topic to partition count", f);
  if (process === "nemesis") return undefined;
  if (raw.group !== undefined && typeof raw.group !== "string") return '"group" must be a string';
  if (raw.generation !== undefined && !Number.isSafeInteger(raw.generation)) return '"generation" must be an integer';
  if (raw.rebalance !== undefined) {
    const problem = rebalanceProblem(raw.rebalance);
    if (problem) return problem;
  }
  return clientValueProblem(raw, f, type);
}
