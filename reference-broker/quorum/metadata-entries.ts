// One controller decision as one Raft entry: its metadata records, as JSON (they are the
// reference broker's own records, not Kafka's generated ones), committed and applied atomically.
import { KconformError } from "../../harness/errors.ts";
import type { MetadataRecord } from "../metadata/records.ts";

/** A committed entry that is not a list of metadata records: the log was written by something else. */
export class MetadataEntryError extends KconformError {}

export function encodeMetadataEntry(records: readonly MetadataRecord[]): Buffer {
  return Buffer.from(JSON.stringify(records), "utf8");
}

export function decodeMetadataEntry(data: Buffer, offset: number): MetadataRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString("utf8"));
  } catch (error) {
    throw new MetadataEntryError(`metadata log entry ${offset} is not JSON`, "metadata-entry", { offset }, { cause: error });
  }
  if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === "object" && r !== null && typeof r.type === "string")) {
    throw new MetadataEntryError(`metadata log entry ${offset} is not a list of metadata records`, "metadata-entry", { offset });
  }
  return parsed as MetadataRecord[];
}
