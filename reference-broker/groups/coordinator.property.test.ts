// Property tests of the rebalance protocol: three simulated clients (dynamic or static, old or new
// API versions) act in random order against a manual clock. Checked throughout: generations only
// grow, each generation has at most one assignor, and whoever completes SyncGroup in generation g
// was a member of g. Then one client falls silent while the others behave: it must be gone once
// its session and the rebalance deadlines have passed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./error-codes.ts";
import type { GroupCoordinator } from "./coordinator.ts";
import type { JoinGroupResponse, SyncGroupResponse } from "./messages.ts";
import { bytes, context, flush, startCoordinator, text, type Harness } from "./test-kit.ts";

const GROUP = "property-group";
const SESSION_MS = 6_000;
const REBALANCE_MS = 8_000;

type Action =
  | { kind: "behave" | "join" | "sync" | "heartbeat" | "leave" | "commit" | "restart"; client: number }
  | { kind: "advance"; ms: number };

interface ClientSpec {
  groupInstanceId: string | null;
  apiVersion: number;
}

class SimClient {
  memberId = "";
  generationId = -1;
  isAssignor = false;
  members: string[] = [];
  busy = false;
  needsJoin = true;
  needsSync = false;
  /** Bumped on restart, so replies to requests of a previous incarnation are ignored. */
  private incarnation = 0;

  constructor(
    readonly clientId: string,
    readonly spec: ClientSpec,
    private readonly coordinator: GroupCoordinator,
    private readonly observer: Observer,
  ) {}

  private reset(): void {
    this.memberId = "";
    this.generationId = -1;
    this.isAssignor = false;
    this.needsJoin = true;
    this.needsSync = false;
  }

  private send<T>(request: Promise<T>, onReply: (reply: T) => void): void {
    const incarnation = this.incarnation;
    this.busy = true;
    request.then((reply) => {
      if (incarnation !== this.incarnation) return;
      this.busy = false;
      onReply(reply);
    });
  }

  private onFatal(errorCode: number): void {
    if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID || errorCode === ErrorCode.FENCED_INSTANCE_ID || errorCode === ErrorCode.ILLEGAL_GENERATION) {
      this.reset();
    } else if (errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
      this.needsJoin = true;
    }
  }

  join(): void {
    if (this.busy) return;
    const request = {
      groupId: GROUP,
      sessionTimeoutMs: SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_MS,
      memberId: this.memberId,
      groupInstanceId: this.spec.groupInstanceId,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: bytes(this.clientId) }],
    };
    this.send(this.coordinator.joinGroup(request, context(this.spec.apiVersion, this.clientId)), (reply) => {
      this.observer.joined(reply);
      if (reply.errorCode === ErrorCode.NONE) {
        this.memberId = reply.memberId;
        this.generationId = reply.generationId;
        this.isAssignor = reply.leader === reply.memberId && !reply.skipAssignment;
        this.members = reply.members.map((member) => member.memberId);
        this.needsJoin = false;
        this.needsSync = true;
      } else if (reply.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = reply.memberId;
      } else {
        this.onFatal(reply.errorCode);
      }
    });
  }

  sync(): void {
    if (this.busy || this.generationId < 0) return;
    const generationId = this.generationId;
    const memberId = this.memberId;
    const assignments = this.isAssignor ? this.members.map((id) => ({ memberId: id, assignment: bytes(`${generationId}:${id}`) })) : [];
    const request = { groupId: GROUP, generationId, memberId, groupInstanceId: this.spec.groupInstanceId, assignments };
    this.send(this.coordinator.syncGroup(request, context(3, this.clientId)), (reply) => {
      this.observer.synced(memberId, generationId, reply);
      if (reply.errorCode === ErrorCode.NONE) this.needsSync = false;
      else this.onFatal(reply.errorCode);
    });
  }

  heartbeat(): void {
    if (this.busy || this.memberId === "" || this.generationId < 0) return;
    const request = { groupId: GROUP, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.spec.groupInstanceId };
    this.onFatal(this.coordinator.heartbeat(request, context(3, this.clientId)).errorCode);
  }

  leave(): void {
    if (this.busy || this.memberId === "") return;
    const members = [{ memberId: this.memberId, groupInstanceId: this.spec.groupInstanceId }];
    this.coordinator.leaveGroup({ groupId: GROUP, members }, context(4, this.clientId));
    this.reset();
  }

  commit(): void {
    if (this.busy || this.memberId === "" || this.generationId < 0) return;
    const request = {
      groupId: GROUP,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.spec.groupInstanceId,
      topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    };
    this.send(this.coordinator.commitOffsets(request, context(8, this.clientId)), (reply) => {
      this.onFatal(reply.topics[0].partitions[0].errorCode);
    });
  }

  restart(): void {
    this.incarnation++;
    this.busy = false;
    this.reset();
  }

  /** What a well-behaved consumer does next: join when told to, sync after joining, heartbeat otherwise. */
  behave(): void {
    if (this.busy) return;
    if (this.memberId === "" || this.needsJoin) this.join();
    else if (this.needsSync) this.sync();
    else this.heartbeat();
  }
}

/**
 * Watches replies and the group for the invariants. Replies arrive in promise callbacks, where a
 * thrown assertion would be lost, so violations are collected and checked after every step.
 */
class Observer {
  readonly violations: string[] = [];
  /** Members of each generation: the assignor's member list plus everyone told it belongs to it. */
  readonly membersOf = new Map<number, Set<string>>();
  readonly assignorsOf = new Map<number, Set<string>>();
  /** The member list each generation's assignor was given, and so assigned to. */
  readonly assignedIn = new Map<number, Set<string>>();
  private lastGeneration = 0;
  private highestJoinedGeneration = 0;

  private check(holds: boolean, violation: string): void {
    if (!holds) this.violations.push(violation);
  }

  joined(reply: JoinGroupResponse): void {
    if (reply.errorCode !== ErrorCode.NONE) return;
    this.check(reply.generationId >= 1, `JoinGroup succeeded with generation ${reply.generationId}`);
    const members = this.membersOf.get(reply.generationId) ?? new Set<string>();
    this.membersOf.set(reply.generationId, members);
    members.add(reply.memberId);
    for (const member of reply.members) members.add(member.memberId);
    if (reply.leader === reply.memberId && !reply.skipAssignment) {
      const assignors = this.assignorsOf.get(reply.generationId) ?? new Set<string>();
      this.assignorsOf.set(reply.generationId, assignors);
      assignors.add(reply.memberId);
      this.check(assignors.size === 1, `generation ${reply.generationId} has assignors ${[...assignors].join(", ")}`);
      this.assignedIn.set(reply.generationId, new Set(reply.members.map((member) => member.memberId)));
    }
    this.highestJoinedGeneration = Math.max(this.highestJoinedGeneration, reply.generationId);
  }

  synced(memberId: string, generationId: number, reply: SyncGroupResponse): void {
    if (reply.errorCode !== ErrorCode.NONE) return;
    this.check(this.membersOf.get(generationId)?.has(memberId) === true, `${memberId} synced in generation ${generationId} without being a member`);
    if (this.assignedIn.get(generationId)?.has(memberId)) {
      const assignment = text(reply.assignment);
      const expected = `${generationId}:${memberId}`;
      this.check(assignment === expected, `${memberId} got assignment "${assignment}" instead of "${expected}"`);
    }
  }

  /** Call after every step: fails with every violation seen so far. */
  checkGroup(coordinator: GroupCoordinator): void {
    const generation = coordinator.inspectGroup(GROUP)?.generationId ?? 0;
    this.check(generation >= this.lastGeneration, `the generation went back from ${this.lastGeneration} to ${generation}`);
    this.check(this.highestJoinedGeneration <= generation, `a member was told of generation ${this.highestJoinedGeneration} while the group is at ${generation}`);
    this.lastGeneration = generation;
    expect(this.violations).toEqual([]);
  }
}

const clientIndex = fc.integer({ min: 0, max: 2 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("behave" as const), client: clientIndex }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom("join" as const, "sync" as const), client: clientIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("heartbeat" as const), client: clientIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("leave" as const, "commit" as const, "restart" as const), client: clientIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 100, max: 9_000 }) }) },
);
const specArb: fc.Arbitrary<ClientSpec> = fc.record({
  groupInstanceId: fc.option(fc.constant("static"), { nil: null }),
  apiVersion: fc.constantFrom(3, 5, 9),
});
const scenarioArb = fc.record({
  specs: fc.tuple(specArb, specArb, specArb),
  initialDelayMs: fc.constantFrom(0, 3_000),
  actions: fc.array(actionArb, { minLength: 5, maxLength: 60, size: "max" }),
});

function setUp(specs: readonly ClientSpec[], initialDelayMs: number): { h: Harness; clients: SimClient[]; observer: Observer } {
  const h = startCoordinator({ groupInitialRebalanceDelayMs: initialDelayMs });
  const observer = new Observer();
  const clients = specs.map(
    (spec, i) =>
      new SimClient(`client-${i}`, { ...spec, groupInstanceId: spec.groupInstanceId && `${spec.groupInstanceId}-${i}` }, h.coordinator, observer),
  );
  return { h, clients, observer };
}

async function perform(action: Action, h: Harness, clients: SimClient[]): Promise<void> {
  if (action.kind === "advance") {
    h.clock.advance(action.ms);
    h.coordinator.tick();
  } else {
    clients[action.client][action.kind]();
  }
  await flush();
}

describe("rebalance protocol properties", () => {
  it("generations only grow, have one assignor, and only their members complete SyncGroup", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ specs, initialDelayMs, actions }) => {
        const { h, clients, observer } = setUp(specs, initialDelayMs);
        for (const action of actions) {
          await perform(action, h, clients);
          observer.checkGroup(h.coordinator);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a member that stops heartbeating is gone after its session and the rebalance deadlines", async () => {
    let victimWasMember = 0;
    const runs = 60;
    await fc.assert(
      fc.asyncProperty(scenarioArb, clientIndex, async ({ specs, initialDelayMs, actions }, victimIndex) => {
        const { h, clients, observer } = setUp(specs, initialDelayMs);
        const rounds = async (count: number, active: (i: number) => boolean) => {
          for (let round = 0; round < count; round++) {
            clients.forEach((client, i) => active(i) && client.behave());
            await flush();
            h.clock.advance(1_000);
            h.coordinator.tick();
            await flush();
            observer.checkGroup(h.coordinator);
          }
        };
        for (const action of actions) await perform(action, h, clients);
        // Everyone behaves for a while, so the victim usually falls silent as a settled member.
        await rounds(15, () => true);
        const victim = clients[victimIndex];
        const members = () => h.coordinator.inspectGroup(GROUP)?.members ?? [];
        if (members().some((member) => member.memberId === victim.memberId)) victimWasMember++;
        await rounds((initialDelayMs + 4 * (SESSION_MS + REBALANCE_MS)) / 1_000, (i) => i !== victimIndex);
        expect(members().some((member) => member.memberId === victim.memberId)).toBe(false);
        if (victim.spec.groupInstanceId !== null) {
          expect(members().some((member) => member.groupInstanceId === victim.spec.groupInstanceId)).toBe(false);
        }
      }),
      { numRuns: runs },
    );
    // Guard against a vacuous pass: most runs must silence a member that was in the group.
    expect(victimWasMember).toBeGreaterThan(runs / 2);
  });
});
