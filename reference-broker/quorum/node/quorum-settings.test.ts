// The quorum's timings come from the broker settings by Kafka's names, with Kafka's defaults.
import { describe, expect, it } from "vitest";
import { BrokerConfig } from "../../config/broker-config.ts";
import { quorumSettings } from "./quorum-settings.ts";

describe("quorumSettings", () => {
  it("keeps Kafka's defaults: 9 s broker sessions, unclean elections tried every 5 minutes", () => {
    const settings = quorumSettings(BrokerConfig.parse([]));
    expect(settings.controller.sessionTimeoutMs).toBe(9_000);
    expect(settings.controller.uncleanElectionIntervalMs).toBe(300_000);
    expect(settings.heartbeatIntervalMs).toBe(2_000);
  });

  it("reads the session timeout and the unclean election interval from the settings", () => {
    const settings = quorumSettings(BrokerConfig.parse(["broker.session.timeout.ms=3000", "unclean.leader.election.interval.ms=1000"]));
    expect(settings.controller.sessionTimeoutMs).toBe(3_000);
    expect(settings.controller.uncleanElectionIntervalMs).toBe(1_000);
  });

  it("refuses an unclean election interval below 1 ms", () => {
    expect(() => BrokerConfig.parse(["unclean.leader.election.interval.ms=0"])).toThrow(/unclean.leader.election.interval.ms/);
  });
});
