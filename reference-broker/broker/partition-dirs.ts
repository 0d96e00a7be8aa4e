// Which partition a directory under the data directory holds: Kafka's `<topic>-<partition>` names
// and its partition.metadata file with the topic id, so a directory left from a deleted topic is
// never mistaken for a new topic of the same name.
import { readWholeFile, writeFileAtomically, type Disk } from "../io/disk.ts";
import { partitionDirName, type TopicPartition } from "../log/partition-log.ts";
import { topicNameProblem } from "../metadata/topic-names.ts";
import { METADATA_LOG_DIR } from "./metadata-log.ts";

const PARTITION_METADATA_FILE = "partition.metadata";
const DIR_NAME = /^(.+)-(\d+)$/;

export function partitionDir(dataDir: string, tp: TopicPartition): string {
  return `${dataDir}/${partitionDirName(tp)}`;
}

/**
 * The partition a directory name denotes, or undefined for anything else in the data directory
 * (the metadata log's directory looks like a partition's but is not one).
 */
export function parsePartitionDirName(name: string): TopicPartition | undefined {
  if (name === METADATA_LOG_DIR) return undefined;
  const match = DIR_NAME.exec(name);
  if (!match || topicNameProblem(match[1]) !== undefined) return undefined;
  return { topic: match[1], partition: Number(match[2]) };
}

export function formatPartitionMetadata(topicId: string): string {
  return `version: 0\ntopic_id: ${topicId}\n`;
}

export function parsePartitionMetadata(text: string): string | undefined {
  return /^version: 0\ntopic_id: ([A-Za-z0-9_-]{22})\n$/.exec(text)?.[1];
}

/** The topic id recorded in a partition directory, or undefined when it has none. */
export function readPartitionTopicId(disk: Disk, dir: string): string | undefined {
  const text = readWholeFile(disk, `${dir}/${PARTITION_METADATA_FILE}`)?.toString("utf8");
  return text === undefined ? undefined : parsePartitionMetadata(text);
}

export function writePartitionTopicId(disk: Disk, dir: string, topicId: string): void {
  writeFileAtomically(disk, dir, PARTITION_METADATA_FILE, Buffer.from(formatPartitionMetadata(topicId)));
}
