// Kafka's rules for legal topic names (org.apache.kafka.common.internals.Topic.validate), with the
// same messages, so CreateTopics rejects exactly what Kafka rejects.

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Returns why the name is illegal, or undefined when it is legal. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === "." || name === "..") return "Topic name cannot be \".\" or \"..\"";
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** '.' and '_' collide in metric names, so Kafka refuses a topic that differs from another only there. */
export function collidesWith(name: string, existing: Iterable<string>): string | undefined {
  const unified = name.replace(/\./g, "_");
  for (const other of existing) {
    if (other !== name && other.replace(/\./g, "_") === unified) return other;
  }
  return undefined;
}

export const CONSUMER_OFFSETS_TOPIC = "__consumer_offsets";
export const TRANSACTION_STATE_TOPIC = "__transaction_state";

export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}
