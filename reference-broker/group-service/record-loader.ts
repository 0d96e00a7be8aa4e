// Reads a __consumer_offsets partition back as group records, from its log start to its log end,
// in chunks with the event loop free between them: Kafka loads a coordinator in the background too,
// answering COORDINATOR_LOAD_IN_PROGRESS meanwhile.
import { decodeGroupRecord, GroupRecordFormatError, type GroupRecord } from "../groups/records.ts";
import { splitBatches } from "../log/record-batch.ts";
import type { OffsetsPartition } from "./host.ts";

const CHUNK_BYTES = 1_048_576;

export interface GroupRecordReadOptions {
  /** Asked between chunks: a load whose leadership already ended stops early. */
  isCancelled(): boolean;
  /** A record this coordinator cannot read (no key, unknown layout): reported and skipped. */
  onUnreadable(offset: number, reason: string): void;
}

/** The partition's group records in log order, or undefined when the load was cancelled. */
export async function readGroupRecords(partition: OffsetsPartition, options: GroupRecordReadOptions): Promise<GroupRecord[] | undefined> {
  const { log } = partition;
  const records: GroupRecord[] = [];
  const startOffset = log.logStartOffset;
  let offset = startOffset;
  for (;;) {
    await yieldToEventLoop();
    if (options.isCancelled()) return undefined;
    if (offset >= log.logEndOffset) return records;
    const { batches } = splitBatches(log.read(offset, { maxBytes: CHUNK_BYTES, minOneMessage: true }));
    if (batches.length === 0) return records;
    for (const batch of batches) {
      // Control batches mark transaction ends: they hold no group records.
      if (!batch.isControl) {
        for (const record of batch.records()) {
          if (record.offset < startOffset) continue;
          if (record.key === null) {
            options.onUnreadable(record.offset, "record without a key");
            continue;
          }
          try {
            records.push(decodeGroupRecord(record.key, record.value));
          } catch (error) {
            if (!(error instanceof GroupRecordFormatError)) throw error;
            options.onUnreadable(record.offset, error.message);
          }
        }
      }
      offset = batch.nextOffset;
    }
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
