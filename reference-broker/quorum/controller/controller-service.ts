// What the active controller does besides replicating the log (Kafka's QuorumController): it is the
// one place broker registrations, heartbeats and ISR changes are decided; it fences a broker whose
// session lapsed (its partitions get new leaders), unfences one that heartbeats again once its
// metadata caught up, and runs the periodic unclean and preferred-leader elections. Every change is
// a decision committed through the write queue. On other controllers it answers NOT_CONTROLLER.
import type { BrokerConfig } from "../../config/broker-config.ts";
import type { Clock, Timer } from "../../io/clock.ts";
import type { Logger } from "../../logger.ts";
import { planAlterPartition, planPreferredLeaderElection, planUncleanElections, type AlterPartitionRequest, type Plan } from "../../metadata/controller-logic.ts";
import type { MetadataImage, PartitionState } from "../../metadata/image.ts";
import { ErrorCode, type ErrorName } from "../../protocol/errors.ts";
import { uncleanPolicy } from "../../broker/broker-registration.ts";
import type { ClusterMetadata } from "../cluster-metadata.ts";
import { planBrokerRegistration, planFenceIfLive, planUnfenceIfFenced, type BrokerRegistration } from "./broker-decisions.ts";
import { BrokerSessions } from "./broker-sessions.ts";
import type { ControllerWriteQueue, WriteOutcome } from "./write-queue.ts";

export interface ControllerSettings {
  /** broker.session.timeout.ms */
  sessionTimeoutMs: number;
  /** How often lapsed sessions and the periodic elections are looked at. */
  checkIntervalMs: number;
  /** unclean.leader.election.interval.ms */
  uncleanElectionIntervalMs: number;
  /** leader.imbalance.check.interval.seconds in ms; undefined when auto.leader.rebalance.enable=false. */
  preferredElectionIntervalMs: number | undefined;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
  /** The last metadata offset the broker applied. */
  currentMetadataOffset: number;
  wantFence: boolean;
  wantShutDown: boolean;
}

export interface HeartbeatAnswer {
  errorCode: number;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

export type AlterPartitionAnswer = { errorCode: number; state?: PartitionState };

export interface ControllerServiceOptions {
  config: BrokerConfig;
  clock: Clock;
  logger: Logger;
  metadata: ClusterMetadata;
  queue: ControllerWriteQueue;
  settings: ControllerSettings;
}

export class ControllerService {
  private readonly sessions = new BrokerSessions();
  private timer: Timer | undefined;
  private wasActive = false;
  private lastUncleanCheckMs = 0;
  private lastPreferredCheckMs = 0;
  private round: Promise<void> | undefined;

  constructor(private readonly options: ControllerServiceOptions) {}

  get isActive(): boolean {
    return this.options.queue.isActive();
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  async registerBroker(registration: BrokerRegistration): Promise<{ errorCode: number; brokerEpoch: number }> {
    const { metadata, clock } = this.options;
    if (!this.isActive) return { errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1 };
    const outcome = await this.write((image) => planBrokerRegistration(image, registration, uncleanPolicy(image, this.options.config)));
    if (outcome.kind !== "committed" && outcome.kind !== "refused") return { errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1 };
    const brokerEpoch = metadata.brokerEpoch(registration.brokerId);
    if (brokerEpoch === undefined) return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, brokerEpoch: -1 };
    this.sessions.touch(registration.brokerId, clock.nowMs());
    this.options.logger.log("info", "broker registered", { brokerId: registration.brokerId, brokerEpoch, incarnation: registration.incarnation, endpoint: `${registration.host}:${registration.port}` });
    return { errorCode: ErrorCode.NONE, brokerEpoch };
  }

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatAnswer> {
    const { metadata, clock, config } = this.options;
    const answer = (errorCode: number, shouldShutDown = false): HeartbeatAnswer => ({
      errorCode,
      isCaughtUp: request.currentMetadataOffset >= request.brokerEpoch,
      isFenced: !metadata.image.isLive(request.brokerId),
      shouldShutDown,
    });
    if (!this.isActive) return answer(ErrorCode.NOT_CONTROLLER);
    const brokerEpoch = metadata.brokerEpoch(request.brokerId);
    if (brokerEpoch === undefined) return answer(ErrorCode.BROKER_ID_NOT_REGISTERED);
    if (brokerEpoch !== request.brokerEpoch) return answer(ErrorCode.STALE_BROKER_EPOCH);
    const { brokerId } = request;
    if (request.wantShutDown) {
      this.sessions.forget(brokerId);
      const outcome = await this.write((image) => planFenceIfLive(image, brokerId, uncleanPolicy(image, config)));
      if (outcome.kind === "committed") this.options.logger.log("info", "broker fenced for a controlled shutdown", { brokerId });
      return answer(outcome.kind === "not-controller" ? ErrorCode.NOT_CONTROLLER : ErrorCode.NONE, outcome.kind !== "not-controller");
    }
    this.sessions.touch(brokerId, clock.nowMs());
    const caughtUp = request.currentMetadataOffset >= brokerEpoch;
    const change = request.wantFence ? planFenceIfLive : caughtUp ? planUnfenceIfFenced : undefined;
    if (change) {
      const outcome = await this.write((image) => change(image, brokerId, uncleanPolicy(image, config)));
      if (outcome.kind === "not-controller") return answer(ErrorCode.NOT_CONTROLLER);
      if (outcome.kind === "committed") this.options.logger.log("info", request.wantFence ? "broker fenced on its request" : "broker unfenced", { brokerId });
    }
    return answer(ErrorCode.NONE);
  }

  /** An ISR change from a partition leader (AlterPartition), checked against leader and partition epochs. */
  async alterPartition(brokerId: number, brokerEpoch: number, request: AlterPartitionRequest): Promise<AlterPartitionAnswer> {
    const { metadata } = this.options;
    if (!this.isActive) return { errorCode: ErrorCode.NOT_CONTROLLER };
    const registered = metadata.brokerEpoch(brokerId);
    if (registered === undefined || (brokerEpoch >= 0 && registered !== brokerEpoch)) return { errorCode: ErrorCode.STALE_BROKER_EPOCH };
    const outcome = await this.write((image) => planAlterPartition(image, { ...request, leaderId: brokerId }));
    if (outcome.kind === "not-controller") return { errorCode: ErrorCode.NOT_CONTROLLER };
    if (outcome.kind === "refused" && !outcome.plan.ok) return { errorCode: errorCodeOf(outcome.plan.error) };
    const state = metadata.image.topicsById.get(request.topicId)?.partitions[request.partition];
    return state ? { errorCode: ErrorCode.NONE, state } : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }

  private write(decide: (image: MetadataImage) => Plan): Promise<WriteOutcome> {
    return this.options.queue.submit(decide);
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimer(this.options.settings.checkIntervalMs, () => {
      this.tick();
      this.schedule();
    });
  }

  /** Activation, lapsed sessions and the periodic elections; one round at a time. */
  private tick(): void {
    const { metadata, clock, logger } = this.options;
    const active = this.isActive;
    const now = clock.nowMs();
    if (active && !this.wasActive) {
      this.sessions.reset(metadata.image.brokers.keys(), now);
      this.lastUncleanCheckMs = this.lastPreferredCheckMs = now;
      logger.log("info", "this node is the active controller", { brokers: metadata.image.brokers.size });
    }
    this.wasActive = active;
    if (!active || this.round) return;
    this.round = this.runRound()
      .catch((error: unknown) => logger.log("error", "a periodic controller task failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
      .finally(() => (this.round = undefined));
  }

  private async runRound(): Promise<void> {
    const { metadata, clock, settings, config, logger } = this.options;
    for (const brokerId of this.sessions.expired(metadata.image.liveBrokerIds(), clock.nowMs(), settings.sessionTimeoutMs)) {
      logger.log("warn", "fencing a broker whose session expired", { brokerId, sessionTimeoutMs: settings.sessionTimeoutMs });
      await this.write((image) => planFenceIfLive(image, brokerId, uncleanPolicy(image, config)));
    }
    if (clock.nowMs() - this.lastUncleanCheckMs >= settings.uncleanElectionIntervalMs) {
      this.lastUncleanCheckMs = clock.nowMs();
      await this.write((image) => planUncleanElections(image, uncleanPolicy(image, config)));
    }
    const preferredInterval = settings.preferredElectionIntervalMs;
    if (preferredInterval !== undefined && clock.nowMs() - this.lastPreferredCheckMs >= preferredInterval) {
      this.lastPreferredCheckMs = clock.nowMs();
      const outcome = await this.write((image) => planPreferredLeaderElection(image));
      if (outcome.kind === "committed") logger.log("info", "moved partition leadership back to preferred replicas", { changes: outcome.plan.ok ? outcome.plan.records.length : 0 });
    }
  }
}

function errorCodeOf(name: string): number {
  return name in ErrorCode ? ErrorCode[name as ErrorName] : ErrorCode.UNKNOWN_SERVER_ERROR;
}
