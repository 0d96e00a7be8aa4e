// Which partition of the offsets topic coordinates a group: Kafka hashes the group id with Java's
// String.hashCode, so clients and tools that compute it themselves agree with the reference broker.

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs(groupId.hashCode) % offsets.topic.num.partitions. */
export function partitionForGroup(groupId: string, offsetsTopicPartitionCount: number): number {
  const hash = javaStringHashCode(groupId);
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % offsetsTopicPartitionCount;
}
