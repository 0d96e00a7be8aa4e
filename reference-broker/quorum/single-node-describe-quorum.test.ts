// A cluster of one answers DescribeQuorum on its broker listener, as a Kafka 4 combined node does
// (the harness finds the active controller with it): the node is the leader and only voter, its
// metadata log end is the high watermark, and its one epoch survives restarts.
import { afterEach, describe, expect, it } from "vitest";
import { describeQuorumLeader } from "../../harness/clients/describe-quorum.ts";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { MetadataImage } from "../metadata/image.ts";
import { describeSingleNodeQuorum, SINGLE_NODE_LEADER_EPOCH } from "./single-node-describe-quorum.ts";

const METADATA_PARTITION = { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }] };

let broker: ReferenceBroker | undefined;

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

describe("DescribeQuorum on a single node", () => {
  it("is answered on the broker listener with the node as leader, before and after a restart", async () => {
    broker = await startReferenceBroker({ nodeId: 7 });
    const ask = () => describeQuorumLeader("127.0.0.1", broker!.port, 5_000);
    expect(await ask()).toEqual({ leaderId: 7, leaderEpoch: SINGLE_NODE_LEADER_EPOCH });
    await broker.restart();
    expect(await ask()).toEqual({ leaderId: 7, leaderEpoch: SINGLE_NODE_LEADER_EPOCH });
  });

  it("reports the whole metadata log committed, the node caught up now, and its listener from v2", () => {
    const image = new MetadataImage();
    image.apply({ type: "register-broker", brokerId: 3, incarnation: "a", host: "127.0.0.1", port: 9093, rack: null });
    image.apply({ type: "unfence-broker", brokerId: 3 });
    const v2 = describeSingleNodeQuorum(2, METADATA_PARTITION, 3, image, 1_700_000_000_000);
    const partition = v2.topics[0].partitions[0];
    expect(v2.topics[0].topicName).toBe("__cluster_metadata");
    expect(partition).toMatchObject({ errorCode: 0, leaderId: 3, highWatermark: 2n, observers: [] });
    expect(partition.currentVoters).toEqual([{ replicaId: 3, replicaDirectoryId: expect.any(String), logEndOffset: 2n, lastFetchTimestamp: 1_700_000_000_000n, lastCaughtUpTimestamp: 1_700_000_000_000n }]);
    expect(v2.nodes).toEqual([{ nodeId: 3, listeners: [{ name: "PLAINTEXT", host: "127.0.0.1", port: 9093 }] }]);
    expect(describeSingleNodeQuorum(1, METADATA_PARTITION, 3, image, 0).nodes).toBeUndefined();
  });

  it("answers UNKNOWN_TOPIC_OR_PARTITION on every partition named when the request is not for __cluster_metadata-0, as Kafka does", () => {
    const image = new MetadataImage();
    const wrong = [
      { topics: [{ topicName: "orders", partitions: [{ partitionIndex: 0 }] }] },
      { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 1 }] }] },
      { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }, { partitionIndex: 0 }] }] },
      { topics: [...METADATA_PARTITION.topics, { topicName: "x", partitions: [{ partitionIndex: 3 }] }] },
      { topics: [] },
    ];
    for (const request of wrong) {
      const response = describeSingleNodeQuorum(2, request, 3, image, 0);
      expect(response.errorCode).toBe(0);
      expect(response.topics.map((t) => [t.topicName, t.partitions.map((p) => [p.partitionIndex, p.errorCode])])).toEqual(
        request.topics.map((t) => [t.topicName, t.partitions.map((p) => [p.partitionIndex, 3])]),
      );
    }
  });
});
