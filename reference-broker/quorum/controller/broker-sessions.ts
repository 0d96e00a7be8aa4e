// Broker liveness as the active controller sees it (Kafka's BrokerHeartbeatManager): the last
// heartbeat of each broker, and which live brokers have been silent for longer than
// broker.session.timeout.ms. Kept in memory only: a new active controller starts every session anew.

export class BrokerSessions {
  private readonly lastHeartbeatMs = new Map<number, number>();

  /** A controller just became active: every broker gets a full session from now. */
  reset(brokerIds: Iterable<number>, nowMs: number): void {
    this.lastHeartbeatMs.clear();
    for (const id of brokerIds) this.lastHeartbeatMs.set(id, nowMs);
  }

  touch(brokerId: number, nowMs: number): void {
    this.lastHeartbeatMs.set(brokerId, nowMs);
  }

  forget(brokerId: number): void {
    this.lastHeartbeatMs.delete(brokerId);
  }

  /** Live brokers whose session lapsed; a live broker without a session gets one from now. */
  expired(liveBrokerIds: readonly number[], nowMs: number, sessionTimeoutMs: number): number[] {
    return liveBrokerIds.filter((id) => {
      const last = this.lastHeartbeatMs.get(id);
      if (last === undefined) this.lastHeartbeatMs.set(id, nowMs);
      return last !== undefined && nowMs - last > sessionTimeoutMs;
    });
  }
}
