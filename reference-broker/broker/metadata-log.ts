// The single node's metadata log on disk: one frame per committed batch of metadata records (int32
// length, uint32 CRC-32C, the records as JSON), fsync'd before the batch counts as committed and
// replayed on start. A batch is atomic: a torn or damaged tail frame is cut off whole.
import { crc32c } from "@node-rs/crc32";
import type { Disk, DiskFile } from "../io/disk.ts";
import type { MetadataRecord } from "../metadata/records.ts";

const FRAME_HEADER = 8;
export const METADATA_LOG_DIR = "__cluster_metadata-0";
const METADATA_LOG_FILE = "metadata.log";

export function encodeMetadataFrame(records: readonly MetadataRecord[]): Buffer {
  const payload = Buffer.from(JSON.stringify(records), "utf8");
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32c(payload) >>> 0, 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

export interface DecodedMetadataLog {
  batches: MetadataRecord[][];
  /** Bytes of whole, intact frames; anything after is a torn or damaged tail. */
  validBytes: number;
}

/** Reads frames until the bytes end or a frame is incomplete, fails its CRC or is not a record list. */
export function decodeMetadataFrames(bytes: Buffer): DecodedMetadataLog {
  const batches: MetadataRecord[][] = [];
  let position = 0;
  while (bytes.length - position >= FRAME_HEADER) {
    const length = bytes.readInt32BE(position);
    const end = position + FRAME_HEADER + length;
    if (length < 0 || end > bytes.length) break;
    const payload = bytes.subarray(position + FRAME_HEADER, end);
    if (crc32c(payload) >>> 0 !== bytes.readUInt32BE(position + 4)) break;
    const records = parseRecords(payload);
    if (records === undefined) break;
    batches.push(records);
    position = end;
  }
  return { batches, validBytes: position };
}

function parseRecords(payload: Buffer): MetadataRecord[] | undefined {
  try {
    const parsed: unknown = JSON.parse(payload.toString("utf8"));
    if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === "object" && r !== null && typeof r.type === "string")) return undefined;
    return parsed as MetadataRecord[];
  } catch {
    return undefined;
  }
}

/** The open metadata log file: replayed once when opened, then appended to. */
export class MetadataLogFile {
  private constructor(
    private readonly file: DiskFile,
    readonly replayed: readonly MetadataRecord[][],
  ) {}

  /**
   * Opens `<dataDir>/__cluster_metadata-0/metadata.log`, returning the committed batches in order.
   * A torn tail is truncated away (and reported through onTruncate) so new frames follow good ones.
   */
  static open(disk: Disk, dataDir: string, onTruncate: (validBytes: number, size: number) => void): MetadataLogFile {
    const dir = `${dataDir}/${METADATA_LOG_DIR}`;
    disk.mkdirs(dir);
    const file = disk.open(`${dir}/${METADATA_LOG_FILE}`);
    const size = file.size();
    const { batches, validBytes } = decodeMetadataFrames(file.read(0, size));
    if (validBytes < size) {
      onTruncate(validBytes, size);
      file.truncate(validBytes);
      file.sync();
    }
    if (size === 0) disk.syncDir(dir);
    return new MetadataLogFile(file, batches);
  }

  /** Appends one batch and fsyncs it: when this returns, the batch is committed. */
  append(records: readonly MetadataRecord[]): void {
    this.file.append(encodeMetadataFrame(records));
    this.file.sync();
  }

  close(): void {
    this.file.close();
  }
}
