// The timings of the quorum, its controller and broker heartbeats, from the broker settings by
// Kafka's names; settings the reference broker does not accept yet keep Kafka's defaults.
import type { BrokerConfig } from "../../config/broker-config.ts";
import type { ControllerSettings } from "../controller/controller-service.ts";
import type { RaftSettings } from "../raft/types.ts";

export interface QuorumSettings {
  raft: RaftSettings;
  /** controller.quorum.request.timeout.ms */
  requestTimeoutMs: number;
  /** How long a metadata write may wait for an active controller before REQUEST_TIMED_OUT. */
  writeTimeoutMs: number;
  /** broker.heartbeat.interval.ms */
  heartbeatIntervalMs: number;
  /** How long a clean stop waits for the controller to fence this broker. */
  controlledShutdownTimeoutMs: number;
  controller: ControllerSettings;
  /** metadata.log.max.record.bytes.between.snapshots */
  snapshotEveryBytes: number;
}

/** Kafka's defaults for the settings not in BROKER_SETTINGS. */
const KAFKA_DEFAULTS = {
  requestTimeoutMs: 2_000,
  retryBackoffMs: 20,
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 8 * 1024 * 1024,
  snapshotChunkBytes: 1024 * 1024,
  writeTimeoutMs: 30_000,
  snapshotEveryBytes: 20 * 1024 * 1024,
};

export function quorumSettings(config: BrokerConfig): QuorumSettings {
  const fetchTimeoutMs = config.int("controller.quorum.fetch.timeout.ms");
  const sessionTimeoutMs = config.int("broker.session.timeout.ms");
  return {
    raft: {
      electionTimeoutMs: config.int("controller.quorum.election.timeout.ms"),
      fetchTimeoutMs,
      // A parked fetch must come back well before the follower gives up on its leader.
      fetchMaxWaitMs: Math.min(KAFKA_DEFAULTS.fetchMaxWaitMs, Math.floor(fetchTimeoutMs / 2)),
      retryBackoffMs: KAFKA_DEFAULTS.retryBackoffMs,
      fetchMaxBytes: KAFKA_DEFAULTS.fetchMaxBytes,
      snapshotChunkBytes: KAFKA_DEFAULTS.snapshotChunkBytes,
    },
    requestTimeoutMs: KAFKA_DEFAULTS.requestTimeoutMs,
    writeTimeoutMs: KAFKA_DEFAULTS.writeTimeoutMs,
    heartbeatIntervalMs: config.int("broker.heartbeat.interval.ms"),
    controlledShutdownTimeoutMs: Math.max(sessionTimeoutMs, 5_000),
    controller: {
      sessionTimeoutMs,
      checkIntervalMs: Math.max(50, Math.min(500, Math.floor(sessionTimeoutMs / 10))),
      uncleanElectionIntervalMs: config.int("unclean.leader.election.interval.ms"),
      preferredElectionIntervalMs: config.bool("auto.leader.rebalance.enable") ? config.int("leader.imbalance.check.interval.seconds") * 1000 : undefined,
    },
    snapshotEveryBytes: KAFKA_DEFAULTS.snapshotEveryBytes,
  };
}
