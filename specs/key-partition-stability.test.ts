// keyPartitionViolations: records where murmur2 puts them pass; a keyed record in another
// partition, or keyless records all in one partition, fail with the evidence.
import { describe, expect, it } from "vitest";
import { partitionForKey } from "../harness/clients/partitioner.ts";
import type { ReadRecord } from "./kit/clients.ts";
import type { AckedRecord } from "./kit/records.ts";
import { keyPartitionViolations } from "./key-partition-stability.ts";

const PARTITIONS = 4;
const asRead = (records: readonly AckedRecord[]): Map<number, ReadRecord[]> => {
  const read = new Map<number, ReadRecord[]>();
  for (const r of records) read.set(r.partition, [...(read.get(r.partition) ?? []), { partition: r.partition, offset: r.offset, key: r.key, value: r.value, timestamp: 0 }]);
  return read;
};
/** Places records as a conforming broker and client would: keys by murmur2, keyless round robin. */
function place(keys: (string | null)[]): AckedRecord[] {
  const next = new Map<number, number>();
  let roundRobin = 0;
  return keys.map((key, i) => {
    const partition = key === null ? roundRobin++ % PARTITIONS : partitionForKey(key, PARTITIONS);
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return { key, value: `${i}`, partition, offset };
  });
}

describe("keyPartitionViolations", () => {
  it("passes keys on their murmur2 partition and keyless records spread out", () => {
    const acked = place(["a", "b", null, "a", null, "ключ", "b", null]);
    expect(keyPartitionViolations(PARTITIONS, acked, asRead(acked))).toEqual([]);
  });

  it("reports a keyed record written to another partition", () => {
    const expected = partitionForKey("a", PARTITIONS);
    const elsewhere = (expected + 1) % PARTITIONS;
    const acked = [...place([null, null]), { key: "a", value: "moved", partition: elsewhere, offset: 7 }];
    expect(keyPartitionViolations(PARTITIONS, acked, asRead(acked))).toEqual([`key "a" value "moved" belongs in partition ${expected} of ${PARTITIONS} (murmur2 of the key), but was written to partition ${elsewhere} at offset 7`]);
  });

  it("reports keyless records that all went to one partition", () => {
    const acked: AckedRecord[] = [0, 1, 2].map((offset) => ({ key: null, value: `${offset}`, partition: 2, offset }));
    expect(keyPartitionViolations(PARTITIONS, acked, asRead(acked))).toEqual([`all 3 records without a key went to partition 2 of ${PARTITIONS}; they should spread over several`]);
  });

  it("reports an acknowledged record the read-back does not have", () => {
    const acked = place(["a", null, null]);
    expect(keyPartitionViolations(PARTITIONS, acked, asRead(acked.slice(1)))).toEqual([expect.stringMatching(/^key "a" value "0" was acknowledged at partition \d offset 0, but the read-back has no record there$/)]);
  });
});
