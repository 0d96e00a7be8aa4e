// Raft entries as Kafka record batches (magic 2), the one form they take on disk and in Fetch
// responses: base offset = the entry's offset, partition leader epoch = its epoch, the control bit
// for LeaderChange entries, one record whose value is the entry's data, CRC-32C over it all.
import { buildRecordBatch } from "../../log/batch-builder.ts";
import { BATCH_HEADER_SIZE, LENGTH_OFFSET, LOG_OVERHEAD, NO_TIMESTAMP, RecordBatch } from "../../log/record-batch.ts";
import type { RaftEntry } from "./types.ts";

export function encodeEntry(entry: RaftEntry): Buffer {
  return buildRecordBatch({
    records: [{ value: entry.data }],
    timestamp: NO_TIMESTAMP,
    baseOffset: entry.offset,
    partitionLeaderEpoch: entry.epoch,
    isControl: entry.control,
  });
}

export function encodeEntries(entries: readonly RaftEntry[]): Buffer {
  return Buffer.concat(entries.map(encodeEntry));
}

export interface DecodedEntries {
  entries: RaftEntry[];
  /** Bytes of whole, intact batches from the start; anything after is torn or damaged. */
  validBytes: number;
}

/**
 * Reads batches until the bytes end or one is incomplete, damaged (size, magic, CRC) or not a
 * one-record entry. Entry data is copied, so the input buffer may be reused.
 */
export function decodeEntries(bytes: Buffer): DecodedEntries {
  const entries: RaftEntry[] = [];
  let position = 0;
  while (bytes.length - position >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + bytes.readInt32BE(position + LENGTH_OFFSET);
    if (size < BATCH_HEADER_SIZE || size > bytes.length - position) break;
    const batch = new RecordBatch(bytes.subarray(position, position + size));
    const value = batch.isValid() ? onlyValue(batch) : undefined;
    if (value === undefined) break;
    entries.push({ offset: batch.baseOffset, epoch: batch.partitionLeaderEpoch, control: batch.isControl, data: Buffer.from(value) });
    position += size;
  }
  return { entries, validBytes: position };
}

function onlyValue(batch: RecordBatch): Buffer | undefined {
  try {
    const records = batch.records();
    return records.length === 1 && records[0].value !== null ? records[0].value : undefined;
  } catch {
    return undefined;
  }
}
