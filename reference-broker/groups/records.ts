// The records the coordinator writes to the internal offsets topic (__consumer_offsets), and their
// key/value encoding in Kafka's own layout: OffsetCommitKey v1 + OffsetCommitValue v3 for committed
// offsets, GroupMetadataKey v2 + GroupMetadataValue v3 for a group's generation and members. A null
// value is a tombstone. Replaying them in log order rebuilds the coordinator after a restart or a
// coordinator failover.
import { KconformError } from "../../harness/errors.ts";
import { ByteFormatError, ByteReader, ByteWriter } from "./bytes.ts";

export interface OffsetCommitValue {
  offset: bigint;
  /** -1 when the client did not say. */
  leaderEpoch: number;
  metadata: string;
  /** Milliseconds since the epoch. */
  commitTimestamp: number;
}

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  /** The member's metadata for the group's selected protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  /** "" for a group without one. */
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMetadataMember[];
}

export interface OffsetCommitRecord {
  type: "offset-commit";
  groupId: string;
  topic: string;
  partition: number;
  value: OffsetCommitValue | null;
}

export interface GroupMetadataRecord {
  type: "group-metadata";
  groupId: string;
  value: GroupMetadataValue | null;
}

export type GroupRecord = OffsetCommitRecord | GroupMetadataRecord;

/**
 * Where the coordinator writes its records: the broker appends them to the group's partition of the
 * offsets topic. The promise resolves once the records are durable (replicated as the offsets topic
 * requires) and rejects otherwise, preferably with an error carrying the Kafka `errorCode` of the
 * failure. Appends must become durable in call order.
 */
export interface GroupRecordStore {
  append(records: readonly GroupRecord[]): Promise<void>;
}

/** A key or value of the offsets topic the coordinator cannot read. */
export class GroupRecordFormatError extends KconformError {}

const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const GROUP_METADATA_VALUE_VERSION = 3;

export function encodeGroupRecord(record: GroupRecord): { key: Buffer; value: Buffer | null } {
  if (record.type === "offset-commit") {
    const key = new ByteWriter()
      .int16(OFFSET_COMMIT_KEY_VERSION)
      .string(record.groupId)
      .string(record.topic)
      .int32(record.partition)
      .toBytes();
    if (record.value === null) return { key, value: null };
    const { offset, leaderEpoch, metadata, commitTimestamp } = record.value;
    const value = new ByteWriter()
      .int16(OFFSET_COMMIT_VALUE_VERSION)
      .int64(offset)
      .int32(leaderEpoch)
      .string(metadata)
      .int64(BigInt(commitTimestamp))
      .toBytes();
    return { key, value };
  }
  const key = new ByteWriter().int16(GROUP_METADATA_KEY_VERSION).string(record.groupId).toBytes();
  if (record.value === null) return { key, value: null };
  const group = record.value;
  const writer = new ByteWriter()
    .int16(GROUP_METADATA_VALUE_VERSION)
    .string(group.protocolType)
    .int32(group.generation)
    .nullableString(group.protocol)
    .nullableString(group.leader)
    .int64(BigInt(group.currentStateTimestamp))
    .int32(group.members.length);
  for (const member of group.members) {
    writer
      .string(member.memberId)
      .nullableString(member.groupInstanceId)
      .string(member.clientId)
      .string(member.clientHost)
      .int32(member.rebalanceTimeout)
      .int32(member.sessionTimeout)
      .bytes(member.subscription)
      .bytes(member.assignment);
  }
  return { key, value: writer.toBytes() };
}

export function decodeGroupRecord(key: Uint8Array, value: Uint8Array | null): GroupRecord {
  try {
    const keyReader = new ByteReader(key, "offsets topic key");
    const keyVersion = keyReader.int16();
    if (keyVersion === 0 || keyVersion === OFFSET_COMMIT_KEY_VERSION) {
      const groupId = keyReader.string();
      const topic = keyReader.string();
      const partition = keyReader.int32();
      keyReader.expectEnd();
      return { type: "offset-commit", groupId, topic, partition, value: value === null ? null : decodeOffsetCommitValue(value) };
    }
    if (keyVersion === GROUP_METADATA_KEY_VERSION) {
      const groupId = keyReader.string();
      keyReader.expectEnd();
      return { type: "group-metadata", groupId, value: value === null ? null : decodeGroupMetadataValue(value) };
    }
    throw new GroupRecordFormatError(`unknown offsets topic key version ${keyVersion}`, "unknown-key-version", { keyVersion });
  } catch (error) {
    if (error instanceof ByteFormatError) {
      throw new GroupRecordFormatError(`malformed offsets topic record: ${error.message}`, "malformed-record", error.context, { cause: error });
    }
    throw error;
  }
}

function decodeOffsetCommitValue(bytes: Uint8Array): OffsetCommitValue {
  const reader = new ByteReader(bytes, "OffsetCommitValue");
  expectValueVersion(reader.int16(), OFFSET_COMMIT_VALUE_VERSION, "OffsetCommitValue");
  const offset = reader.int64();
  const leaderEpoch = reader.int32();
  const metadata = reader.string();
  const commitTimestamp = Number(reader.int64());
  reader.expectEnd();
  return { offset, leaderEpoch, metadata, commitTimestamp };
}

function decodeGroupMetadataValue(bytes: Uint8Array): GroupMetadataValue {
  const reader = new ByteReader(bytes, "GroupMetadataValue");
  expectValueVersion(reader.int16(), GROUP_METADATA_VALUE_VERSION, "GroupMetadataValue");
  const protocolType = reader.string();
  const generation = reader.int32();
  const protocol = reader.nullableString();
  const leader = reader.nullableString();
  const currentStateTimestamp = Number(reader.int64());
  const members = reader.array(() => ({
    memberId: reader.string(),
    groupInstanceId: reader.nullableString(),
    clientId: reader.string(),
    clientHost: reader.string(),
    rebalanceTimeout: reader.int32(),
    sessionTimeout: reader.int32(),
    subscription: reader.bytes(),
    assignment: reader.bytes(),
  }));
  reader.expectEnd();
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}

/** The coordinator reads back what it writes; older value layouts never reach its log. */
function expectValueVersion(version: number, expected: number, what: string): void {
  if (version !== expected) {
    throw new GroupRecordFormatError(`${what} version ${version} is not supported (expected ${expected})`, "unsupported-value-version", {
      what,
      version,
    });
  }
}
