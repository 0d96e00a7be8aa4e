// The kcat output parsers against text captured from kcat 1.7.1 / librdkafka 2.0.2.
import { describe, expect, it } from "vitest";
import { ToolOutputError } from "./kafka-cli-output.ts";
import { parseKcatMetadata, parseKcatRebalance, parseKcatRecords } from "./kcat-output.ts";

describe("kcat -L -J", () => {
  it("reads brokers, topics, leaders, replicas and ISRs", () => {
    const captured =
      '{"originating_broker":{"id":1,"name":"127.0.0.1:24100/1"},"query":{"topic":"*"},"controllerid":1,"brokers":[{"id":1,"name":"127.0.0.1:24100"}],' +
      '"topics":[{"topic":"t1","partitions":[{"partition":0,"leader":1,"replicas":[{"id":1}],"isrs":[{"id":1}]},{"partition":1,"leader":-1,"error":"Broker: Leader not available","replicas":[{"id":1},{"id":2}],"isrs":[]}]},' +
      '{"topic":"gone","error":"Broker: Unknown topic or partition","partitions":[]}]}';
    expect(parseKcatMetadata(captured)).toEqual({
      controllerId: 1,
      brokers: [{ id: 1, name: "127.0.0.1:24100" }],
      topics: [
        {
          topic: "t1",
          partitions: [
            { partition: 0, leader: 1, replicas: [1], isrs: [1] },
            { partition: 1, leader: -1, replicas: [1, 2], isrs: [], error: "Broker: Leader not available" },
          ],
        },
        { topic: "gone", error: "Broker: Unknown topic or partition", partitions: [] },
      ],
    });
  });

  it("refuses output that is not kcat's JSON metadata", () => {
    expect(() => parseKcatMetadata("% ERROR: Failed to acquire metadata: Local: Broker transport failure")).toThrow(ToolOutputError);
    expect(() => parseKcatMetadata('{"brokers":1}')).toThrow(ToolOutputError);
  });
});

it("kcat -C -J: records with null and empty keys, among kcat's own % lines", () => {
  const captured = [
    '{"topic":"t1","partition":0,"offset":5,"tstype":"create","ts":1795552544010,"broker":1,"key":"a","payload":"1"}',
    '{"topic":"t1","partition":0,"offset":6,"tstype":"logappend","ts":1795552544011,"broker":1,"key":null,"payload":"nokey"}',
    '{"topic":"t1","partition":0,"offset":7,"tstype":"create","ts":1795552544010,"broker":1,"key":"","payload":null}',
    "% Reached end of topic t1 [0] at offset 8: exiting",
  ].join("\n");
  expect(parseKcatRecords(captured)).toEqual([
    { topic: "t1", partition: 0, offset: 5, timestampType: "create", timestamp: 1795552544010, key: "a", value: "1" },
    { topic: "t1", partition: 0, offset: 6, timestampType: "logappend", timestamp: 1795552544011, key: null, value: "nokey" },
    { topic: "t1", partition: 0, offset: 7, timestampType: "create", timestamp: 1795552544010, key: "", value: null },
  ]);
});

describe("kcat -G rebalance lines", () => {
  it("reads assignments and revocations", () => {
    expect(parseKcatRebalance("% Group kg1 rebalanced (memberid rdkafka-50a8bf1a-c4f2): assigned: t1 [0], t1 [1], other.topic [12]")).toEqual({
      kind: "assigned",
      memberId: "rdkafka-50a8bf1a-c4f2",
      partitions: [
        { topic: "t1", partition: 0 },
        { topic: "t1", partition: 1 },
        { topic: "other.topic", partition: 12 },
      ],
    });
    expect(parseKcatRebalance("% Group kg1 rebalanced (memberid m-1): revoked: t1 [2]")).toEqual({ kind: "revoked", memberId: "m-1", partitions: [{ topic: "t1", partition: 2 }] });
  });

  it("ignores kcat's other lines", () => {
    expect(parseKcatRebalance("% Waiting for group rebalance")).toBeUndefined();
    expect(parseKcatRebalance("% Reached end of topic t1 [2] at offset 4")).toBeUndefined();
  });
});
