// Aiming faults by role: a target is written as a string in schedules and reports ("leader:0",
// "random", "minority"...) and resolved against a view of the cluster at the moment the fault
// starts. Pure: the generator's `pick` makes every random choice, so a seed replays the aim.
import { KconformError } from "../errors.ts";
import type { ClusterView } from "./cluster-view.ts";

export type TargetSpec =
  | { kind: "node"; nodeId: number }
  | { kind: "random" }
  | { kind: "leader"; partition: number }
  | { kind: "followers"; partition: number }
  | { kind: "controller" }
  | { kind: "minority" }
  | { kind: "majority" }
  | { kind: "all" };

export const TARGET_FORMS = ["node:N", "random", "leader:P", "followers:P", "controller", "minority", "majority", "all"] as const;

export class TargetError extends KconformError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, "bad-target", context);
  }
}

export function parseTarget(text: string): TargetSpec {
  const [kind, arg, ...rest] = text.split(":");
  const number = arg !== undefined && /^\d+$/.test(arg) && rest.length === 0 ? Number(arg) : undefined;
  if ((kind === "node" || kind === "leader" || kind === "followers") && number !== undefined) {
    return kind === "node" ? { kind, nodeId: number } : { kind, partition: number };
  }
  if (arg === undefined && (kind === "random" || kind === "controller" || kind === "minority" || kind === "majority" || kind === "all")) return { kind };
  throw new TargetError(`cannot read fault target "${text}"; targets are ${TARGET_FORMS.join(", ")}`, { text });
}

export function formatTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case "node":
      return `node:${spec.nodeId}`;
    case "leader":
    case "followers":
      return `${spec.kind}:${spec.partition}`;
    default:
      return spec.kind;
  }
}

/** `nodes` in a fixed order rotated by `pick`: the generator's deterministic shuffle. */
export function rotate(nodes: readonly number[], pick: number): number[] {
  const sorted = [...nodes].sort((a, b) => a - b);
  if (sorted.length === 0) return sorted;
  const by = Math.abs(Math.trunc(pick)) % sorted.length;
  return [...sorted.slice(by), ...sorted.slice(0, by)];
}

/** The largest group that is still less than half: 1 of 3, 2 of 5. */
export function minoritySize(n: number): number {
  return Math.floor((n - 1) / 2);
}

/**
 * The node ids `spec` names in `view`. Throws TargetError when the role has no holder right now
 * (a partition without leader, an unknown controller, too few brokers for a minority).
 */
export function resolveTarget(spec: TargetSpec, view: ClusterView, pick: number): number[] {
  const brokers = view.brokers;
  const need = (found: number[], what: string): number[] => {
    if (found.length === 0) throw new TargetError(`no ${what} to aim the fault at`, { target: formatTarget(spec), view });
    return found;
  };
  switch (spec.kind) {
    case "node":
      return need(view.nodes.includes(spec.nodeId) ? [spec.nodeId] : [], `node ${spec.nodeId} (nodes are ${view.nodes.join(", ")})`);
    case "random":
      return need(rotate(brokers, pick).slice(0, 1), "broker");
    case "leader": {
      const leader = view.leaders[spec.partition];
      return need(leader !== undefined && leader >= 0 ? [leader] : [], `leader of partition ${spec.partition}`);
    }
    case "followers": {
      const leader = view.leaders[spec.partition];
      return need((view.replicas[spec.partition] ?? []).filter((node) => node !== leader), `follower of partition ${spec.partition}`);
    }
    case "controller":
      return need(view.controller !== undefined && view.controller >= 0 ? [view.controller] : [], "known active controller");
    case "minority":
      return need(rotate(brokers, pick).slice(0, minoritySize(brokers.length)), `minority among ${brokers.length} brokers`);
    case "majority":
      return need(rotate(brokers, pick).slice(0, brokers.length - minoritySize(brokers.length)), "majority of brokers");
    case "all":
      return need([...brokers].sort((a, b) => a - b), "broker");
  }
}
