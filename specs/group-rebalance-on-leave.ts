// Guarantee: a member that leaves its consumer group, or stops heartbeating for longer than its
// session timeout, triggers a rebalance, and its partitions move to the remaining members.
// Source: kafka-notes.md "Consumer" ("A rebalance in group triggers when a member leaves the group or
// they have not sent a heartbeat in a long time"); https://kafka.apache.org/documentation/#consumerconfigs_session.timeout.ms
import fc from "fast-check";
import kafkajs from "kafkajs";
import { createTopic, deleteTopicQuietly, withAdmin } from "./kit/clients.ts";
import { GroupMember, leaveAll, setupStep, waitForSettledGeneration, type SettledGeneration } from "./kit/groups.ts";
import type { Spec, SpecTarget } from "./spec.ts";

const { ConfigResourceTypes } = kafkajs;

/** How the member departs: LeaveGroup on a clean shutdown, or silence (a hung process). */
export type Departure = "leave" | "silence";

export interface RebalanceEvidence {
  partitions: number;
  departed: string;
  how: Departure;
  /** The generation with every member in it, before the departure. */
  before: Pick<SettledGeneration, "generationId" | "assignments">;
  /** The generation the remaining members settled in afterwards; undefined when they never did. */
  after: Pick<SettledGeneration, "generationId" | "assignments" | "view"> | undefined;
  /** Why they never settled, with the group's last state. */
  unsettled?: string;
  waitedMs: number;
}

/** What breaks the guarantee in the evidence, one sentence each; empty when it holds. Pure. */
export function rebalanceViolations(evidence: RebalanceEvidence): string[] {
  const { departed, how, before, after } = evidence;
  const cause = how === "leave" ? "left the group" : "stopped heartbeating";
  const held = before.assignments.find((assignment) => assignment.member === departed);
  if (after === undefined) return [`${departed} ${cause} in generation ${before.generationId} and the remaining members did not settle in a new generation within ${evidence.waitedMs} ms (${evidence.unsettled ?? "no state"})`];
  const violations: string[] = [];
  if (after.generationId <= before.generationId) violations.push(`after ${departed} ${cause}, the group is still in generation ${after.generationId} (was ${before.generationId})`);
  if (held !== undefined && after.view.members.some((member) => member.memberId === held.memberId)) violations.push(`${departed} ${cause} but the coordinator still lists it in generation ${after.generationId}`);
  if (after.assignments.some((assignment) => assignment.member === departed)) violations.push(`${departed} ${cause} but received an assignment in generation ${after.generationId}`);
  for (const partition of held?.partitions ?? []) {
    const owners = after.assignments.filter((assignment) => assignment.partitions.includes(partition)).map((assignment) => assignment.member);
    if (owners.length !== 1) violations.push(`partition ${partition} of ${departed}, which ${cause}, is owned by ${owners.length === 0 ? "no remaining member" : owners.join(" and ")} in generation ${after.generationId}`);
  }
  const owned = after.assignments.flatMap((assignment) => assignment.partitions);
  for (let partition = 0; partition < evidence.partitions; partition++) {
    if (!owned.includes(partition)) violations.push(`partition ${partition} is owned by no member in generation ${after.generationId}, after ${departed} ${cause}`);
  }
  return violations;
}

/** Kafka's default group.min.session.timeout.ms, the shortest session a broker accepts unless told otherwise. */
const DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
/** Never shorter than this, so a loaded machine's late heartbeats do not look like a hung member. */
const SHORTEST_SESSION_TIMEOUT_MS = 1_500;
const SETTLE_TIMEOUT_MS = 20_000;

/**
 * The shortest session timeout the brokers accept (group.min.session.timeout.ms, asked of the
 * brokers): the hung member is noticed that much sooner on clusters configured for tests.
 */
export async function sessionTimeoutFor(target: SpecTarget): Promise<number> {
  const minimum = await withAdmin(target, async (admin) => {
    const { brokers } = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: brokers.map((b) => ({ type: ConfigResourceTypes.BROKER, name: String(b.nodeId), configNames: ["group.min.session.timeout.ms"] })) });
    const values = resources.flatMap((r) => r.configEntries.map((e) => Number(e.configValue))).filter((v) => Number.isFinite(v));
    return values.length > 0 ? Math.max(...values) : DEFAULT_MIN_SESSION_TIMEOUT_MS;
  }).catch(() => DEFAULT_MIN_SESSION_TIMEOUT_MS);
  return Math.max(minimum, SHORTEST_SESSION_TIMEOUT_MS);
}

export const groupRebalanceOnLeave: Spec = {
  name: "group-rebalance-on-leave",
  guarantee: "A member that leaves its consumer group, or stops heartbeating past its session timeout, triggers a rebalance that moves its partitions to the remaining members.",
  source: 'kafka-notes.md "Consumer": "A rebalance in group triggers when a member leaves the group or they have not sent a heartbeat in a long time"; https://kafka.apache.org/documentation/#consumerconfigs_session.timeout.ms',
  numRuns: 2,
  timeLimitMs: 30_000,
  property: (context) =>
    fc.asyncProperty(
      fc.integer({ min: 3, max: 4 }).chain((members) =>
        fc.record({
          members: fc.constant(members),
          partitions: fc.integer({ min: members, max: 6 }),
          // Which member leaves cleanly, and which of the others then hangs.
          leaver: fc.nat({ max: members - 1 }),
          hanger: fc.nat({ max: members - 2 }),
        }),
      ),
      async ({ members: count, partitions, leaver, hanger }) => {
        const topic = context.unique("topic");
        const groupId = context.unique("group");
        const sessionTimeoutMs = await sessionTimeoutFor(context.target);
        await createTopic(context.target, topic, { partitions });
        const everyone: GroupMember[] = [];
        try {
          for (let i = 0; i < count; i++) {
            // A long request timeout: the member that hangs must not notice its own silence and reconnect.
            everyone.push(await setupStep(`member m${i} joining ${groupId}`, () => GroupMember.join(context.target, { name: `m${i}`, groupId, topic, sessionTimeoutMs, requestTimeoutMs: 30_000 })));
          }
          const remaining = [...everyone];
          let before = await waitForSettledGeneration(context.target, remaining, { topic, timeoutMs: SETTLE_TIMEOUT_MS });
          if ("unsettled" in before) throw new Error(`${count} members of ${groupId} never settled in one generation within ${SETTLE_TIMEOUT_MS} ms: ${before.unsettled}`);
          for (const how of ["leave", "silence"] as const) {
            const [departing] = remaining.splice(how === "leave" ? leaver : hanger, 1);
            const started = performance.now();
            if (how === "leave") await departing.leave();
            else departing.goSilent();
            const after = await waitForSettledGeneration(context.target, remaining, { topic, after: before.generationId, timeoutMs: SETTLE_TIMEOUT_MS + (how === "silence" ? sessionTimeoutMs : 0) });
            const waitedMs = Math.round(performance.now() - started);
            const settled = "unsettled" in after ? undefined : after;
            const violations = rebalanceViolations({ partitions, departed: departing.name, how, before, after: settled, ...("unsettled" in after ? { unsettled: after.unsettled } : {}), waitedMs });
            if (violations.length > 0 || settled === undefined) throw new Error(`group ${groupId} (topic ${topic}): ${violations.join("; ")}`);
            context.say(`${departing.name} ${how === "leave" ? "left" : "hung"}: its partitions moved in generation ${settled.generationId} after ${waitedMs} ms`);
            before = settled;
          }
        } finally {
          await leaveAll(everyone);
          await deleteTopicQuietly(context.target, topic);
        }
      },
    ),
};
