// What the data-plane specs share: the violation they throw with its evidence, where acknowledged
// records must be found again in a read-back, and how many replicas a spec's topics can have.
import fc from "fast-check";
import { KconformError } from "../../harness/errors.ts";
import type { SpecTarget } from "../spec.ts";
import { withAdmin, type ReadRecord } from "./clients.ts";

/** The target broke the guarantee; the message lists the evidence (partition, offsets, values). */
export class SpecViolation extends KconformError {}

/** A record the broker acknowledged, with where it said it wrote it. */
export interface AckedRecord {
  key: string | null;
  value: string;
  partition: number;
  offset: number;
  timestamp?: number;
}

/** Evidence lines beyond this many are summarised: the first few explain the failure. */
const EVIDENCE_SHOWN = 8;

/** Throws a SpecViolation naming the guarantee and its first pieces of evidence, when there are any. */
export function throwIfViolated(spec: string, violations: readonly string[], context: Record<string, unknown> = {}): void {
  if (violations.length === 0) return;
  const shown = violations.slice(0, EVIDENCE_SHOWN).map((line) => `  - ${line}`);
  const more = violations.length > EVIDENCE_SHOWN ? [`  (and ${violations.length - EVIDENCE_SHOWN} more)`] : [];
  throw new SpecViolation([`${spec}: ${violations.length} violation(s)`, ...shown, ...more].join("\n"), `${spec}-violated`, { ...context, violations });
}

export function describeRecord(record: { key: string | null; value: string | null }): string {
  return `key ${JSON.stringify(record.key)} value ${JSON.stringify(record.value)}`;
}

/** partition → offset → record, for finding an offset of a read-back. */
export function indexByOffset(read: ReadonlyMap<number, readonly ReadRecord[]>): Map<number, Map<number, ReadRecord>> {
  return new Map([...read].map(([partition, records]) => [partition, new Map(records.map((r) => [r.offset, r]))]));
}

/**
 * Every acknowledged record must be read back at the partition and offset the broker acknowledged,
 * with the key, value (and timestamp, when the producer set one) it was sent with.
 */
export function ackedNotReadBack(acked: readonly AckedRecord[], read: ReadonlyMap<number, readonly ReadRecord[]>, reader = "the read-back"): string[] {
  const index = indexByOffset(read);
  const violations: string[] = [];
  for (const record of acked) {
    const found = index.get(record.partition)?.get(record.offset);
    const where = `partition ${record.partition} offset ${record.offset}`;
    if (found === undefined) violations.push(`${describeRecord(record)} was acknowledged at ${where}, but ${reader} has no record there`);
    else if (found.key !== record.key || found.value !== record.value) violations.push(`${describeRecord(record)} was acknowledged at ${where}, but ${reader} holds ${describeRecord(found)} there`);
    else if (record.timestamp !== undefined && found.timestamp !== record.timestamp) violations.push(`${describeRecord(record)} was sent with timestamp ${record.timestamp} and acknowledged at ${where}, but ${reader} reads timestamp ${found.timestamp}`);
  }
  return violations;
}

/** A consumer must see each partition's records at strictly increasing offsets. */
export function offsetsNotIncreasing(read: ReadonlyMap<number, readonly ReadRecord[]>, reader = "the read-back"): string[] {
  const violations: string[] = [];
  for (const [partition, records] of read) {
    for (let i = 1; i < records.length; i++) {
      if (records[i].offset <= records[i - 1].offset) violations.push(`${reader} of partition ${partition} returned offset ${records[i].offset} after offset ${records[i - 1].offset}`);
    }
  }
  return violations;
}

/** kafkajs reports a refused request as the error itself or as an aggregate of per-resource errors. */
export function errorTypes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const { type, errors } = error as { type?: unknown; errors?: unknown };
  return [...(typeof type === "string" ? [type] : []), ...(Array.isArray(errors) ? errors.flatMap(errorTypes) : [])];
}

/** The broker ids the target's metadata lists. */
export async function brokerIds(target: SpecTarget): Promise<number[]> {
  return withAdmin(target, async (admin) => (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b));
}

/** Kafka's production advice (replication factor 3), bounded by the brokers the target has. */
export async function replicationFactorFor(target: SpecTarget): Promise<number> {
  return Math.min(3, (await brokerIds(target)).length);
}

/**
 * Text that survives a UTF-8 round trip unchanged (whole graphemes, no lone surrogates), as keys
 * and values are bytes on the wire.
 */
export function text(constraints: { minLength?: number; maxLength: number }): fc.Arbitrary<string> {
  return fc.string({ unit: "grapheme", ...constraints });
}
