// Interns partition and topic names to small integers, so the analyses index arrays instead of
// hashing strings, and knows which topic a "topic-partition" name belongs to.

const PARTITION_NAME = /^(.+)-(\d+)$/;

export class Names {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** Topic id of each name that looks like "topic-N", -1 for the others. */
  private readonly topics: number[] = [];
  private readonly partitionsOfTopic = new Map<number, number[]>();

  id(name: string): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const id = this.names.length;
    this.ids.set(name, id);
    this.names.push(name);
    this.topics.push(-1);
    const match = PARTITION_NAME.exec(name);
    if (match) {
      const topic = this.id(match[1]);
      this.topics[id] = topic;
      const siblings = this.partitionsOfTopic.get(topic);
      if (siblings) siblings.push(id);
      else this.partitionsOfTopic.set(topic, [id]);
    }
    return id;
  }

  name(id: number): string {
    return this.names[id];
  }

  get size(): number {
    return this.names.length;
  }

  /** The topic of a partition name, or -1 when the name is no "topic-N". */
  topicOf(id: number): number {
    return this.topics[id];
  }

  /** Partitions of `topic` that occur in the history. */
  partitionsOf(topic: number): readonly number[] {
    return this.partitionsOfTopic.get(topic) ?? [];
  }

  /** Whether `target` (a partition, or a topic as invokes and subscribes may name) covers `partition`. */
  covers(target: number, partition: number): boolean {
    return target === partition || this.topics[partition] === target;
  }
}
