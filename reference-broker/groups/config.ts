// Settings of the group coordinator, named after the broker configs they come from, with Kafka's
// defaults.

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  groupMaxSessionTimeoutMs: number;
  /** group.max.size */
  groupMaxSize: number;
  /** group.initial.rebalance.delay.ms: how long a new group waits for more members before its first generation. */
  groupInitialRebalanceDelayMs: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /**
   * How long a new member's JoinGroup may wait for the rebalance before the member is dropped
   * (Kafka's fixed 5 minutes); it cannot heartbeat before it knows its member id.
   */
  newMemberJoinTimeoutMs: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = {
  groupMinSessionTimeoutMs: 6_000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupMaxSize: 2_147_483_647,
  groupInitialRebalanceDelayMs: 3_000,
  offsetMetadataMaxBytes: 4_096,
  newMemberJoinTimeoutMs: 300_000,
};
