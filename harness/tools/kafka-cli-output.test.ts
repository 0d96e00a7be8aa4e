// The parsers of the CLI tools' output against text captured from Kafka 4.3.1's tools, and their
// refusal of output they do not recognise.
import { describe, expect, it } from "vitest";
import {
  parseConsoleRecords,
  parseEndOffsets,
  parseGroupMembers,
  parseGroupOffsets,
  parseGroupState,
  parsePerfSummary,
  parseProcessedCount,
  parseTopicConfigs,
  parseTopicDescription,
  ToolOutputError,
} from "./kafka-cli-output.ts";

describe("kafka-topics --describe", () => {
  const captured = [
    "Topic: t1\tTopicId: BA-voe2MTK2FquWiM2fNjA\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: min.insync.replicas=1,retention.ms=100000",
    "\tTopic: t1\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: ",
    "\tTopic: t1\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: 1\tElr: \tLastKnownElr: ",
    "\tTopic: t1\tPartition: 2\tLeader: 2\tReplicas: 1,2\tIsr: \tElr: \tLastKnownElr: ",
    "",
  ].join("\n");

  it("reads the topic line and every partition line", () => {
    const description = parseTopicDescription(captured, "t1");
    expect(description).toMatchObject({ topic: "t1", topicId: "BA-voe2MTK2FquWiM2fNjA", partitionCount: 3, replicationFactor: 2 });
    expect([...description.configs]).toEqual([
      ["min.insync.replicas", "1"],
      ["retention.ms", "100000"],
    ]);
    expect(description.partitions).toEqual([
      { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2] },
      { partition: 1, leader: -1, replicas: [2, 1], isr: [1] },
      { partition: 2, leader: 2, replicas: [1, 2], isr: [] },
    ]);
  });

  it("refuses output that does not describe the topic asked for", () => {
    expect(() => parseTopicDescription(captured, "t2")).toThrow(ToolOutputError);
  });
});

describe("kafka-consumer-groups --describe", () => {
  it("reads committed offsets, log end offsets, lag and owners, '-' as absent", () => {
    const captured = [
      "",
      "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                  HOST            CLIENT-ID",
      "g1              t1              0          5               7               2               console-consumer-1a2b-3c4d                   /127.0.0.1      console-consumer",
      "g1              t1              1          -               1               -               -                                            -               -",
    ].join("\n");
    expect(parseGroupOffsets(captured)).toEqual([
      { group: "g1", topic: "t1", partition: 0, currentOffset: 5, logEndOffset: 7, lag: 2, consumerId: "console-consumer-1a2b-3c4d" },
      { group: "g1", topic: "t1", partition: 1, currentOffset: undefined, logEndOffset: 1, lag: undefined, consumerId: undefined },
    ]);
  });

  it("refuses a reply without the offsets table", () => {
    expect(() => parseGroupOffsets("Error: Consumer group 'g9' does not exist.\n")).toThrow(ToolOutputError);
  });

  it("--members: each member and its partition count", () => {
    const captured = [
      "",
      "GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     ",
      "gm              console-consumer-4e07e072-40fd-46e1-99f6-8aeb5b4c9de1 /127.0.0.1      console-consumer 1               ",
      "gm              console-consumer-057fcb81-aee2-4dc2-aba9-90c3374b340b /127.0.0.1      console-consumer 2               ",
    ].join("\n");
    expect(parseGroupMembers(captured)).toEqual([
      { group: "gm", consumerId: "console-consumer-4e07e072-40fd-46e1-99f6-8aeb5b4c9de1", clientId: "console-consumer", partitions: 1 },
      { group: "gm", consumerId: "console-consumer-057fcb81-aee2-4dc2-aba9-90c3374b340b", clientId: "console-consumer", partitions: 2 },
    ]);
    expect(parseGroupMembers("\nConsumer group 'gm' has no active members.\n\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n")).toEqual([]);
  });

  it("--state: coordinator, assignor, state and member count", () => {
    const captured = [
      "",
      "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS",
      "gm              127.0.0.1:24100  (1)      range                Stable               2",
    ].join("\n");
    expect(parseGroupState(captured, "gm")).toEqual({ group: "gm", coordinatorId: 1, assignmentStrategy: "range", state: "Stable", members: 2 });
    expect(parseGroupState("gm              127.0.0.1:24100  (1)      -                    Empty                0", "gm")).toMatchObject({ assignmentStrategy: undefined, state: "Empty" });
    expect(() => parseGroupState(captured, "other")).toThrow(ToolOutputError);
  });
});

describe("the console consumer", () => {
  it("reads partition, offset, key and value; 'null' is the absent key", () => {
    const captured = "Partition:2\tOffset:0\tk1\tv1\nPartition:0\tOffset:7\tnull\tv\twith tab\n";
    expect(parseConsoleRecords(captured, "\t")).toEqual([
      { partition: 2, offset: 0, key: "k1", value: "v1" },
      { partition: 0, offset: 7, key: null, value: "v\twith tab" },
    ]);
  });

  it("refuses lines printed without partition and offset", () => {
    expect(() => parseConsoleRecords("v1\n", "\t")).toThrow(ToolOutputError);
  });

  it("finds the message count among warnings", () => {
    expect(parseProcessedCount("[2026] ERROR Error processing message, terminating consumer process:\nProcessed a total of 4 messages\n")).toBe(4);
    expect(() => parseProcessedCount("")).toThrow(ToolOutputError);
  });
});

it("kafka-configs --describe: the configs set on a topic", () => {
  const captured = "Dynamic configs for topic t1 are:\n  retention.ms=100000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=100000}\n  cleanup.policy=delete sensitive=false synonyms={}\n";
  expect([...parseTopicConfigs(captured)]).toEqual([
    ["retention.ms", "100000"],
    ["cleanup.policy", "delete"],
  ]);
});

it("kafka-get-offsets: the latest offset per partition, and nothing of another topic", () => {
  expect([...parseEndOffsets("t1:0:8\nt1:1:1\nt1:2:4\n", "t1")]).toEqual([
    [0, 8],
    [1, 1],
    [2, 4],
  ]);
  expect(() => parseEndOffsets("t2:0:8\n", "t1")).toThrow(ToolOutputError);
});

describe("kafka-producer-perf-test", () => {
  it("reads the final summary, not the periodic lines before it", () => {
    const captured = [
      "123456 records sent, 24691.2 records/sec (24.11 MB/sec), 900.1 ms avg latency, 1500.0 ms max latency.",
      "500000 records sent, 9675.858732 records/sec (9.45 MB/sec), 703.12 ms avg latency, 1026.00 ms max latency, 780 ms 50th, 1003 ms 95th, 1024 ms 99th, 1026 ms 99.9th.",
    ].join("\n");
    expect(parsePerfSummary(captured)).toEqual({
      records: 500000,
      recordsPerSecond: 9675.858732,
      megabytesPerSecond: 9.45,
      avgLatencyMs: 703.12,
      maxLatencyMs: 1026,
      p50Ms: 780,
      p95Ms: 1003,
      p99Ms: 1024,
      p999Ms: 1026,
    });
  });

  it("refuses output without a summary", () => {
    expect(() => parsePerfSummary("123 records sent, 1.0 records/sec (0.00 MB/sec), 1.0 ms avg latency, 1.0 ms max latency.")).toThrow(ToolOutputError);
  });
});
