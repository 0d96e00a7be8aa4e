// What AlterConfigs (33) and IncrementalAlterConfigs (44) share: Kafka's broker-side checks
// (ConfigAdminManager.preprocess: a resource named twice, a key given twice, null values, which
// broker), then one controller decision for every topic resource, committed in one batch.
// Broker resources are refused: this broker's settings are static (its properties file).
import type { BrokerContext } from "../broker/context.ts";
import { planTopicConfigChange, ConfigOperation, type TopicConfigChange } from "../metadata/config-changes.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { commitDecision, errorCodeOf } from "./controller-decision.ts";

/** ConfigResource.Type ids. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const;

export interface ConfigResourceChange {
  resourceType: number;
  resourceName: string;
  change: TopicConfigChange;
}

export interface ConfigResourceResult {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

type Refusal = { error: string; message: string };

export async function alterConfigResources(
  context: BrokerContext,
  resources: readonly ConfigResourceChange[],
  validateOnly: boolean,
): Promise<ConfigResourceResult[]> {
  const seen = new Map<string, number>();
  const id = (r: ConfigResourceChange) => `${r.resourceType}:${r.resourceName}`;
  for (const resource of resources) seen.set(id(resource), (seen.get(id(resource)) ?? 0) + 1);
  const refusals = resources.map((resource): Refusal | undefined =>
    (seen.get(id(resource)) ?? 0) > 1 ? { error: "INVALID_REQUEST", message: "Each resource must appear at most once." } : preprocess(resource, context.nodeId),
  );
  const topics = resources.filter((_, i) => refusals[i] === undefined);
  const outcome = await commitDecision(context.quorum, validateOnly, (image) => {
    const records: MetadataRecord[] = [];
    const answer = new Map<ConfigResourceChange, Refusal | undefined>();
    for (const resource of topics) {
      const decision = planTopicConfigChange(image, resource.resourceName, resource.change);
      if (decision.ok) records.push(...decision.records);
      answer.set(resource, decision.ok ? undefined : decision);
    }
    return { records, answer };
  });
  return resources.map((resource, i) => {
    const refusal = refusals[i] ?? ("answer" in outcome ? outcome.answer.get(resource) : outcome);
    return {
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      errorCode: refusal ? errorCodeOf(refusal.error) : ErrorCode.NONE,
      errorMessage: refusal ? refusal.message : null,
    };
  });
}

/** The checks a Kafka broker makes before forwarding to the controller; undefined lets a topic through. */
function preprocess(resource: ConfigResourceChange, nodeId: number): Refusal | undefined {
  const { change } = resource;
  const names = change.kind === "incremental" ? change.changes.map((c) => c.name) : change.configs.map((c) => c.name);
  if (new Set(names).size !== names.length) return { error: "INVALID_REQUEST", message: "Error due to duplicate config keys" };
  const nulls = change.kind === "incremental"
    ? change.changes.filter((c) => c.operation !== ConfigOperation.DELETE && c.value === null).map((c) => c.name)
    : change.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) return { error: "INVALID_REQUEST", message: `Null value not supported for : ${nulls.join(", ")}` };
  if (change.kind === "incremental") {
    const unknown = change.changes.find((c) => !Object.values<number>(ConfigOperation).includes(c.operation));
    if (unknown) return { error: "INVALID_REQUEST", message: `Unknown operations type ${unknown.operation}` };
  }
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC:
      return undefined;
    case ConfigResourceType.BROKER: {
      const name = resource.resourceName;
      if (name !== "" && !/^-?\d+$/.test(name)) return { error: "INVALID_REQUEST", message: `Node id must be an integer, but it is: ${name}` };
      if (name !== "" && Number(name) !== nodeId) return { error: "INVALID_REQUEST", message: `Unexpected broker id, expected ${nodeId}, but received ${name}` };
      return {
        error: "INVALID_REQUEST",
        message: "The reference broker does not support dynamic broker configs: its settings come from its properties file and need a restart to change.",
      };
    }
    default:
      return { error: "INVALID_REQUEST", message: `Unknown resource type ${resource.resourceType}` };
  }
}
