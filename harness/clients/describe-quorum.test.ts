// DescribeQuorum v0 on the wire: the request frame carries API key 55 and the metadata topic,
// and the response decoder finds the quorum leader or names the error.
import { describe, expect, it } from "vitest";
import { decodeDescribeQuorumResponse, DescribeQuorumError, encodeDescribeQuorumRequest } from "./describe-quorum.ts";

function response(correlationId: number, error: number, partitionError: number, leaderId: number, epoch: number): Buffer {
  const topic = Buffer.from("__cluster_metadata");
  const fixed = Buffer.alloc(4 + 1 + 2);
  fixed.writeInt32BE(correlationId, 0);
  fixed.writeUInt8(0, 4); // header tags
  fixed.writeInt16BE(error, 5);
  const partition = Buffer.alloc(4 + 2 + 4 + 4 + 8);
  partition.writeInt32BE(0, 0);
  partition.writeInt16BE(partitionError, 4);
  partition.writeInt32BE(leaderId, 6);
  partition.writeInt32BE(epoch, 10);
  partition.writeBigInt64BE(42n, 14);
  // topics: 1 entry; name; partitions: 1 entry; partition fields; voters and observers empty; tags.
  return Buffer.concat([fixed, Buffer.from([2, topic.length + 1]), topic, Buffer.from([2]), partition, Buffer.from([1, 1, 0, 0, 0])]);
}

describe("DescribeQuorum", () => {
  it("encodes a framed flexible v0 request for the metadata partition", () => {
    const frame = encodeDescribeQuorumRequest(7, "kc");
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readInt16BE(4)).toBe(55);
    expect(frame.readInt16BE(6)).toBe(0);
    expect(frame.readInt32BE(8)).toBe(7);
    expect(frame.readInt16BE(12)).toBe(2);
    expect(frame.subarray(14, 16).toString()).toBe("kc");
    expect(frame.includes(Buffer.from("__cluster_metadata"))).toBe(true);
  });

  it("decodes the leader and its epoch", () => {
    expect(decodeDescribeQuorumResponse(response(1, 0, 0, 3, 12), 1)).toEqual({ leaderId: 3, leaderEpoch: 12 });
  });

  it("refuses errors and answers to other requests", () => {
    expect(() => decodeDescribeQuorumResponse(response(1, 0, 0, 3, 1), 2)).toThrow(DescribeQuorumError);
    expect(() => decodeDescribeQuorumResponse(response(1, 35, 0, 3, 1), 1)).toThrow(/error code 35/);
    expect(() => decodeDescribeQuorumResponse(response(1, 0, 6, 3, 1), 1)).toThrow(/error code 6/);
  });
});

describe("describeQuorumLeader", () => {
  it("fails, rather than waiting forever, when the broker closes the connection without an answer", async () => {
    const { createServer } = await import("node:net");
    const { describeQuorumLeader } = await import("./describe-quorum.ts");
    const server = createServer((socket) => socket.once("data", () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(describeQuorumLeader("127.0.0.1", port, 60_000)).rejects.toThrow(/closed without an answer/);
    } finally {
      server.close();
    }
  });
});
