// A broker's membership as KRaft brokers keep it (Kafka's BrokerLifecycleManager): it registers a
// new incarnation with the active controller, heartbeats every broker.heartbeat.interval.ms with the
// metadata offset it applied — at once when it catches up with its own registration, which is when
// the controller unfences it — and registers again when told its epoch is stale. A controlled
// shutdown heartbeats wantShutDown until the controller has fenced it.
import type { Clock } from "../../io/clock.ts";
import type { Logger } from "../../logger.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { ApiKey } from "../../protocol/generated/messages.ts";
import { randomUuid } from "../../protocol/uuid.ts";
import type { ControllerChannel } from "../../rpc/controller-channel.ts";
import type { ClusterMetadata } from "../cluster-metadata.ts";

export interface BrokerLifecycleOptions {
  brokerId: number;
  clusterId: string;
  host: string;
  port: number;
  rack: string | null;
  channel: ControllerChannel;
  metadata: ClusterMetadata;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  retryBackoffMs: number;
}

const PROGRESS_LOG_INTERVAL_MS = 5_000;

export class BrokerLifecycle {
  readonly incarnation = randomUuid();
  private epoch: number | undefined;
  private stopped = false;
  private shuttingDown = false;
  private shutDownAcknowledged = false;
  /** Wakes controlledShutdown the moment a heartbeat response grants it (not a metadata change). */
  private onShutDownAcknowledged: (() => void) | undefined;
  private wake: () => void = () => {};
  private loop: Promise<void> | undefined;

  constructor(private readonly options: BrokerLifecycleOptions) {}

  /** The offset of this incarnation's registration, once the controller answered it. */
  get brokerEpoch(): number | undefined {
    return this.epoch;
  }

  /** This incarnation is registered and unfenced in this node's own image: it may serve. */
  isServing(): boolean {
    const broker = this.options.metadata.image.brokers.get(this.options.brokerId);
    return broker?.incarnation === this.incarnation && !broker.fenced;
  }

  /** Registers, then resolves once this broker is unfenced (it keeps heartbeating afterwards). */
  async start(): Promise<void> {
    this.loop ??= this.run();
    const started = this.options.clock.nowMs();
    while (!(await this.options.metadata.waitFor(() => this.isServing() || this.stopped, PROGRESS_LOG_INTERVAL_MS))) {
      this.options.logger.log("info", "waiting to be registered and unfenced by the active controller", { waitedMs: this.options.clock.nowMs() - started, brokerEpoch: this.epoch ?? -1 });
    }
  }

  /** Controlled shutdown: fenced by the controller (within timeoutMs), then no more heartbeats. */
  async controlledShutdown(timeoutMs: number): Promise<boolean> {
    if (this.epoch === undefined || this.stopped) {
      await this.stop();
      return false;
    }
    this.shuttingDown = true;
    this.wake();
    const acknowledged = await new Promise<boolean>((resolve) => {
      const timer = this.options.clock.setTimer(timeoutMs, () => resolve(this.shutDownAcknowledged));
      this.onShutDownAcknowledged = () => {
        timer.cancel();
        resolve(true);
      };
    });
    await this.stop();
    return acknowledged;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { metadata, heartbeatIntervalMs, retryBackoffMs } = this.options;
    const failed = retryBackoffMs * 5;
    while (!this.stopped && !this.shutDownAcknowledged) {
      if (this.epoch === undefined) {
        if (!(await this.register())) await this.pause(() => false, failed);
        continue;
      }
      const answer = await this.heartbeat();
      if (this.stopped || this.shutDownAcknowledged) break;
      if (!answer) await this.pause(() => false, failed);
      else if (this.shuttingDown) await this.pause(() => false, retryBackoffMs);
      // Fenced until caught up with its own registration: heartbeat again the moment it is.
      else if (answer.isFenced && !answer.isCaughtUp) await this.pause(() => this.caughtUp(), heartbeatIntervalMs);
      else if (!this.isServing()) await this.pause(() => this.isServing(), heartbeatIntervalMs);
      else await this.pause(() => !metadata.image.isLive(this.options.brokerId), heartbeatIntervalMs);
    }
  }

  private caughtUp(): boolean {
    return this.epoch !== undefined && this.options.metadata.appliedOffset > this.epoch;
  }

  private async pause(until: () => boolean, ms: number): Promise<void> {
    await Promise.race([this.options.metadata.waitFor(until, ms), new Promise<void>((resolve) => (this.wake = resolve))]);
  }

  private async register(): Promise<boolean> {
    const { brokerId, clusterId, host, port, rack, channel, logger } = this.options;
    try {
      const response = await channel.send(ApiKey.BrokerRegistration, 0, {
        brokerId,
        clusterId,
        incarnationId: this.incarnation,
        listeners: [{ name: "PLAINTEXT", host, port, securityProtocol: 0 }],
        features: [],
        rack,
      });
      if (response.errorCode !== ErrorCode.NONE) {
        logger.log(response.errorCode === ErrorCode.NOT_CONTROLLER ? "debug" : "warn", "broker registration refused", { errorCode: response.errorCode });
        return false;
      }
      this.epoch = Number(response.brokerEpoch);
      logger.log("info", "registered with the active controller", { brokerEpoch: this.epoch, incarnation: this.incarnation });
      return true;
    } catch (error) {
      logger.log("debug", "broker registration failed", { error: (error as Error).message });
      return false;
    }
  }

  /** The controller's answer, or undefined when there is none to act on (failure, not the controller, stale epoch). */
  private async heartbeat(): Promise<{ isFenced: boolean; isCaughtUp: boolean } | undefined> {
    const { brokerId, channel, metadata, logger } = this.options;
    try {
      const response = await channel.send(ApiKey.BrokerHeartbeat, 0, {
        brokerId,
        brokerEpoch: BigInt(this.epoch ?? -1),
        currentMetadataOffset: BigInt(metadata.appliedOffset - 1),
        wantFence: false,
        wantShutDown: this.shuttingDown,
      });
      if (response.errorCode === ErrorCode.STALE_BROKER_EPOCH || response.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
        logger.log("warn", "the controller no longer knows this registration; registering again", { brokerEpoch: this.epoch ?? -1 });
        this.epoch = undefined;
        return undefined;
      }
      if (response.errorCode !== ErrorCode.NONE) return undefined;
      if (this.shuttingDown && response.shouldShutDown) {
        this.shutDownAcknowledged = true;
        this.onShutDownAcknowledged?.();
      }
      return response;
    } catch (error) {
      logger.log("debug", "heartbeat failed", { error: (error as Error).message });
      return undefined;
    }
  }
}
