// Topic config changes as the controller decides them (Kafka's ConfigurationControlManager):
// IncrementalAlterConfigs' SET/DELETE/APPEND/SUBTRACT on single keys, and legacy AlterConfigs,
// which replaces the whole set of overrides. Values are validated as CreateTopics validates them;
// only actual changes become records. As in KRaft, turning unclean.leader.election.enable on elects
// nothing by itself: the controller's periodic unclean election reads the new value (every
// unclean.leader.election.interval.ms), and ElectLeaders UNCLEAN is the way to elect at once.
import type { MetadataImage } from "./image.ts";
import type { MetadataRecord } from "./records.ts";
import { topicConfigDef, topicConfigProblem } from "./topic-config.ts";
import { topicNameProblem } from "./topic-names.ts";

/** AlterConfigOp.OpType ids. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
export type ConfigOperationId = (typeof ConfigOperation)[keyof typeof ConfigOperation];

export interface IncrementalConfigChange {
  name: string;
  operation: ConfigOperationId;
  value: string | null;
}

export type TopicConfigChange =
  | { kind: "incremental"; changes: readonly IncrementalConfigChange[] }
  /** Every override the topic is to have; the ones not listed are removed. */
  | { kind: "legacy"; configs: readonly { name: string; value: string | null }[] };

export type ConfigDecision = { ok: true; records: MetadataRecord[] } | { ok: false; error: string; message: string };

const refuse = (error: string, message: string): ConfigDecision => ({ ok: false, error, message });

/** The records that carry out one topic's change, decided against the image. */
export function planTopicConfigChange(image: MetadataImage, topic: string, change: TopicConfigChange): ConfigDecision {
  if (topic === "") return refuse("INVALID_REQUEST", "Default topic resources are not allowed.");
  const nameProblem = topicNameProblem(topic);
  if (nameProblem) return refuse("INVALID_TOPIC_EXCEPTION", nameProblem);
  const current = image.configOverrides("topic", topic);
  const next = change.kind === "incremental" ? applyIncremental(current, change.changes) : legacyOverrides(change.configs);
  if (typeof next === "string") return refuse("INVALID_CONFIG", next);

  // The altered entries are what needs validating: everything already stored was valid when set.
  const altered = new Map<string, string | null>();
  for (const [name, value] of next) if (current.get(name) !== value) altered.set(name, value);
  for (const name of current.keys()) if (!next.has(name)) altered.set(name, null);
  const nulls = [...next].filter(([, value]) => value === null).map(([name]) => name);
  if (nulls.length > 0) return refuse("INVALID_CONFIG", `Null value not supported for topic configs: ${nulls.join(",")}`);
  for (const [name, value] of altered) {
    // A removal only ever removes a key that was valid when it was set.
    const problem = value === null ? undefined : topicConfigProblem(name, value);
    if (problem) return refuse("INVALID_CONFIG", problem);
  }
  if (!image.topicsByName.has(topic)) return refuse("UNKNOWN_TOPIC_OR_PARTITION", `The topic '${topic}' does not exist.`);

  const records: MetadataRecord[] = [...altered].map(([name, value]) => ({ type: "config", resourceType: "topic", resourceName: topic, name, value }));
  return { ok: true, records };
}

function applyIncremental(current: ReadonlyMap<string, string>, changes: readonly IncrementalConfigChange[]): Map<string, string | null> | string {
  const next = new Map<string, string | null>(current);
  for (const { name, operation, value } of changes) {
    switch (operation) {
      case ConfigOperation.SET:
        next.set(name, value);
        break;
      case ConfigOperation.DELETE:
        next.delete(name);
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const def = topicConfigDef(name);
        if (!def?.list) return `Can't ${operation === ConfigOperation.APPEND ? "APPEND" : "SUBTRACT"} to key ${name} because its type is not LIST.`;
        const parts = (next.get(name) ?? def.defaultValue).split(",").filter((part) => part.length > 0);
        const given = (value ?? "").split(",");
        const result = operation === ConfigOperation.APPEND
          ? [...parts, ...given.filter((part, i) => !parts.includes(part) && given.indexOf(part) === i)]
          : parts.filter((part) => !given.includes(part));
        next.set(name, result.join(","));
        break;
      }
    }
  }
  return next;
}

function legacyOverrides(configs: readonly { name: string; value: string | null }[]): Map<string, string | null> {
  return new Map(configs.map(({ name, value }) => [name, value]));
}
