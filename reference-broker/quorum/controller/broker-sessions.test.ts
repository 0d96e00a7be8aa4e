// Broker sessions: a broker is expired only after a whole session without heartbeats, counted from
// its last heartbeat or from the moment this controller became active.
import { describe, expect, it } from "vitest";
import { BrokerSessions } from "./broker-sessions.ts";

describe("BrokerSessions", () => {
  it("expires live brokers silent for longer than the session timeout", () => {
    const sessions = new BrokerSessions();
    sessions.reset([1, 2, 3], 0);
    sessions.touch(2, 2_500);
    expect(sessions.expired([1, 2, 3], 3_000, 3_000)).toEqual([]);
    expect(sessions.expired([1, 2, 3], 3_001, 3_000)).toEqual([1, 3]);
    expect(sessions.expired([2], 5_501, 3_000)).toEqual([2]);
  });

  it("gives a live broker it never heard of a full session from now", () => {
    const sessions = new BrokerSessions();
    sessions.reset([], 0);
    expect(sessions.expired([4], 10_000, 1_000)).toEqual([]);
    expect(sessions.expired([4], 11_001, 1_000)).toEqual([4]);
    sessions.forget(4);
    expect(sessions.expired([4], 20_000, 1_000)).toEqual([]);
  });
});
