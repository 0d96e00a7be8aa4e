// Fault and recovery plumbing for the destructive specs: who leads a partition and who is in its
// ISR, the nodes a spec broke (killed, stopped, paused, wiped), and healing them again — one node
// at a time, so wiped controllers never outvote the survivor — until every partition of every
// topic has a leader and a full ISR, as the spec found the cluster.
import { setTimeout as sleep } from "node:timers/promises";
import type { Admin } from "kafkajs";
import type { ClusterNode } from "../../harness/targets/target.ts";
import { needsOwnedBrokers, type SpecTarget } from "../spec.ts";
import { deleteTopicQuietly, SpecSetupError, withAdmin } from "./clients.ts";
import { liveBrokers, withConnection } from "./wire.ts";

export interface PartitionState {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/** How long healing waits for the cluster to serve again before the spec's verdict becomes "unknown". */
export const HEAL_TIMEOUT_MS = 60_000;

export function brokerNodes(target: SpecTarget): ClusterNode[] {
  return target.cluster.nodes.filter((node) => node.roles.includes("broker"));
}

export function brokerNode(target: SpecTarget, nodeId: number): ClusterNode {
  const node = brokerNodes(target).find((candidate) => candidate.nodeId === nodeId);
  if (node === undefined) throw new SpecSetupError(`broker ${nodeId} is named in metadata but is not a node kconform started`, "unknown-broker", { nodeId });
  return node;
}

/**
 * How many brokers may be down at once while the controller quorum keeps a majority: every broker
 * that is also a voter costs a vote. Dedicated controllers are never touched by these specs.
 */
export function brokersThatMayFail(target: SpecTarget): number {
  const voters = target.cluster.nodes.filter((node) => node.roles.includes("controller"));
  const combined = voters.filter((node) => node.roles.includes("broker")).length;
  const brokers = brokerNodes(target).length;
  const tolerable = Math.floor((voters.length - 1) / 2);
  return combined === 0 ? brokers : Math.min(brokers, tolerable + (brokers - combined));
}

/** Why a spec that kills a leader and waits for its successor cannot run on this target, or undefined. */
export function needsFailover(target: SpecTarget, brokers: number, why: string): string | undefined {
  const unowned = needsOwnedBrokers(target, brokers, why);
  if (unowned !== undefined) return unowned;
  return brokersThatMayFail(target) < 1 ? `${why} kills a broker, and this cluster's controller quorum would lose its majority with any broker down` : undefined;
}

export async function partitionStates(admin: Admin, topic: string): Promise<PartitionState[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return (topics[0]?.partitions ?? [])
    .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort((a, b) => a - b), isr: [...p.isr].sort((a, b) => a - b) }))
    .sort((a, b) => a.partition - b.partition);
}

const healthy = (p: PartitionState) => p.leader >= 0 && p.isr.length === p.replicas.length && p.replicas.every((id) => p.isr.includes(id));

/** Polls `check` (errors count as "not yet") until it holds; SpecSetupError naming `what` after timeoutMs. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new SpecSetupError(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, "wait-timed-out", { what });
    }
    await sleep(100);
  }
}

/** Waits until every partition of `topic` has a leader and all its replicas in the ISR; returns their states. */
export function waitForFullIsr(target: SpecTarget, topic: string, timeoutMs = 30_000): Promise<PartitionState[]> {
  return until(`every partition of ${topic} to have a leader and a full ISR`, timeoutMs, () =>
    withAdmin(target, async (admin) => {
      const states = await partitionStates(admin, topic);
      return states.length > 0 && states.every(healthy) ? states : undefined;
    }),
  );
}

/** Waits until metadata shows every partition of `topic` led by a broker other than `former`. */
export function waitForLeaderOtherThan(target: SpecTarget, topic: string, former: ReadonlySet<number>, timeoutMs = 30_000): Promise<PartitionState[]> {
  return until(`every partition of ${topic} to be led by a broker other than ${[...former].join(", ")}`, timeoutMs, () =>
    withAdmin(target, async (admin) => {
      const states = await partitionStates(admin, topic);
      return states.length > 0 && states.every((p) => p.leader >= 0 && !former.has(p.leader)) ? states : undefined;
    }),
  );
}

/** Every broker registered, and every partition of every topic led with a full ISR: the cluster as a spec should leave it. */
export function waitForClusterServing(target: SpecTarget, timeoutMs = HEAL_TIMEOUT_MS): Promise<void> {
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  return until(`brokers ${brokers.join(", ")} registered and every partition led with a full ISR`, timeoutMs, () =>
    withAdmin(target, async (admin) => {
      const registered = new Set((await admin.describeCluster()).brokers.map((broker) => broker.nodeId));
      if (!brokers.every((id) => registered.has(id))) return undefined;
      const { topics } = await admin.fetchTopicMetadata({ topics: await admin.listTopics() });
      return topics.every((topic) => topic.partitions.every((p) => healthy({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))) ? true : undefined;
    }),
  ).then(() => undefined);
}

/**
 * Waits until broker `nodeId` answers Metadata itself and lists itself among the live brokers: it
 * has caught up with the metadata log and is unfenced (a cluster-wide view could still show the
 * incarnation that was just killed).
 */
function waitForRejoined(target: SpecTarget, node: ClusterNode, timeoutMs: number): Promise<true> {
  const address = node.clientAddress;
  if (address === undefined) throw new SpecSetupError(`broker ${node.nodeId} has no client address to check that it rejoined`, "no-client-address", { nodeId: node.nodeId });
  return until(`broker ${node.nodeId} to rejoin the cluster`, timeoutMs, () =>
    withConnection(target, address, async (connection) => ((await liveBrokers(connection)).has(node.nodeId) ? true : undefined)),
  );
}

export interface LedTopicShape {
  partitions: number;
  /** The broker every partition's first (preferred) replica is placed on, so it leads them all. */
  leader: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/**
 * Creates a topic whose partitions are all led by one chosen broker (by replica assignment), waits
 * until each has that leader and a full ISR, runs `use`, and deletes the topic whatever happens.
 */
export async function withLedTopic<T>(target: SpecTarget, topic: string, shape: LedTopicShape, use: (states: PartitionState[]) => Promise<T>): Promise<T> {
  const others = brokerNodes(target).map((node) => node.nodeId).filter((id) => id !== shape.leader);
  if (others.length < shape.replicationFactor - 1) throw new SpecSetupError(`a topic with replication factor ${shape.replicationFactor} needs ${shape.replicationFactor} brokers`, "too-few-brokers", { topic });
  const replicas = [shape.leader, ...others.slice(0, shape.replicationFactor - 1)];
  await withAdmin(target, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      timeout: 30_000,
      topics: [
        {
          topic,
          replicaAssignment: Array.from({ length: shape.partitions }, (_, partition) => ({ partition, replicas })),
          configEntries: Object.entries(shape.config ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  );
  try {
    const states = await waitForFullIsr(target, topic);
    const misled = states.filter((p) => p.leader !== shape.leader);
    if (misled.length > 0) throw new SpecSetupError(`${topic} was assigned broker ${shape.leader} as preferred leader, but partitions ${misled.map((p) => `${p.partition} (led by ${p.leader})`).join(", ")} are not led by it`, "leader-not-preferred", { topic });
    return await use(states);
  } finally {
    await deleteTopicQuietly(target, topic);
  }
}

type Damage = "down" | "paused";

/**
 * The nodes one spec run broke, and how to mend them. Healing restarts (or resumes) them one at a
 * time and waits for each to rejoin before the next: a wiped controller comes back with an empty
 * metadata log, and two of them up together could elect a leader without the survivor's log.
 */
export class NodeFaults {
  private readonly damaged = new Map<number, { node: ClusterNode; damage: Damage }>();

  constructor(private readonly target: SpecTarget) {}

  async kill(nodeId: number): Promise<void> {
    const node = brokerNode(this.target, nodeId);
    this.damaged.set(nodeId, { node, damage: "down" });
    await node.kill();
  }

  /** Graceful stop: Kafka's controlled shutdown moves leadership and the ISR away first. */
  async stop(nodeId: number): Promise<void> {
    const node = brokerNode(this.target, nodeId);
    this.damaged.set(nodeId, { node, damage: "down" });
    await node.stop();
  }

  async pause(nodeId: number): Promise<void> {
    const node = brokerNode(this.target, nodeId);
    this.damaged.set(nodeId, { node, damage: "paused" });
    await node.pause();
  }

  /** Permanent loss of a node's disk; the node must be down (killed or stopped) already. */
  async wipe(nodeId: number): Promise<void> {
    const entry = this.damaged.get(nodeId);
    if (entry?.damage !== "down") throw new SpecSetupError(`broker ${nodeId} must be killed or stopped before its data is wiped`, "wipe-running-node", { nodeId });
    await entry.node.wipe();
  }

  /** Brings back what `kill`, `stop` and `pause` took away, node by node, then waits for the whole cluster to serve. */
  async heal(timeoutMs = HEAL_TIMEOUT_MS): Promise<void> {
    const damaged = [...this.damaged.values()];
    // Resume first: a paused node still holds ISR slots and controller votes the restarts need.
    for (const { node } of damaged.filter(({ damage }) => damage === "paused")) {
      await node.resume();
      this.damaged.delete(node.nodeId);
    }
    // One node failing to come back must not leave the others down: try each, report the first failure.
    const failures: SpecSetupError[] = [];
    for (const { node } of damaged.filter(({ damage }) => damage === "down")) {
      if (!node.isRunning()) {
        try {
          await node.start();
          await waitForRejoined(this.target, node, timeoutMs);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          failures.push(new SpecSetupError(`broker ${node.nodeId} did not come back: ${why}`, "restart-failed", { nodeId: node.nodeId }, { cause: error }));
          continue;
        }
      }
      this.damaged.delete(node.nodeId);
    }
    if (failures.length > 0) throw failures[0];
    await waitForClusterServing(this.target, timeoutMs);
  }
}

/** Runs `use` with a fault ledger and heals whatever it broke afterwards, whether `use` passed or threw. */
export async function withFaults<T>(target: SpecTarget, use: (faults: NodeFaults) => Promise<T>): Promise<T> {
  const faults = new NodeFaults(target);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await use(faults) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  // A heal failure must not hide a violation the run found; it only surfaces when the run passed.
  const healed = await faults.heal().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!outcome.ok) throw outcome.error;
  if (healed !== undefined) throw healed;
  return outcome.value;
}
