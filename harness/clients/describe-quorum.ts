// Which node leads the KRaft metadata quorum (the active controller), asked with Kafka's
// DescribeQuorum request (API key 55, version 0). Clients' Metadata responses name a random broker
// as "controller" under KRaft, and kafkajs has no DescribeQuorum, so the harness speaks it itself.
// Encoding and decoding are pure; one short TCP exchange does the asking.
import { connect } from "node:net";

const API_KEY = 55;
const API_VERSION = 0;
const METADATA_TOPIC = "__cluster_metadata";

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function compactString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
}

const NO_TAGS = uvarint(0);

/** The whole request frame: size, header v2 (client id, tags), then the flexible v0 body. */
export function encodeDescribeQuorumRequest(correlationId: number, clientId: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(API_KEY, 0);
  header.writeInt16BE(API_VERSION, 2);
  header.writeInt32BE(correlationId, 4);
  const client = Buffer.from(clientId, "utf8");
  const clientLength = Buffer.alloc(2);
  clientLength.writeInt16BE(client.length, 0);
  const partitionIndex = Buffer.alloc(4);
  const body = Buffer.concat([uvarint(2), compactString(METADATA_TOPIC), uvarint(2), partitionIndex, NO_TAGS, NO_TAGS, NO_TAGS]);
  const payload = Buffer.concat([header, clientLength, client, NO_TAGS, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

export class DescribeQuorumError extends Error {}

class Reader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}
  int16(): number {
    const v = this.bytes.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    const v = this.bytes.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.bytes.readUInt8(this.at++);
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new DescribeQuorumError("malformed varint in DescribeQuorum response");
  }
  skip(n: number): void {
    this.at += n;
  }
  skipTags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}

export interface QuorumLeader {
  leaderId: number;
  leaderEpoch: number;
}

/** Decodes a response frame without its size prefix; throws DescribeQuorumError on any error code. */
export function decodeDescribeQuorumResponse(frame: Buffer, correlationId: number): QuorumLeader {
  const r = new Reader(frame);
  if (r.int32() !== correlationId) throw new DescribeQuorumError("DescribeQuorum response for another request");
  r.skipTags();
  const error = r.int16();
  if (error !== 0) throw new DescribeQuorumError(`DescribeQuorum failed with Kafka error code ${error}`);
  if (r.uvarint() - 1 < 1) throw new DescribeQuorumError("DescribeQuorum response names no topic");
  r.skip(r.uvarint() - 1);
  if (r.uvarint() - 1 < 1) throw new DescribeQuorumError("DescribeQuorum response names no partition");
  r.int32();
  const partitionError = r.int16();
  if (partitionError !== 0) throw new DescribeQuorumError(`DescribeQuorum failed for the metadata partition with Kafka error code ${partitionError}`);
  return { leaderId: r.int32(), leaderEpoch: r.int32() };
}

/** Asks the broker at host:port who leads the metadata quorum, within `timeoutMs`. */
export function describeQuorumLeader(host: string, port: number, timeoutMs: number): Promise<QuorumLeader> {
  const correlationId = 1;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const fail = (why: string) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(new DescribeQuorumError(`DescribeQuorum to ${host}:${port}: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.on("error", (error) => fail(error.message));
    // A broker that does not serve DescribeQuorum (or dies) closes the connection without answering.
    socket.on("close", () => fail("the connection closed without an answer"));
    socket.on("connect", () => socket.write(encodeDescribeQuorumRequest(correlationId, "kconform-nemesis")));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      settled = true;
      socket.destroy();
      try {
        resolve(decodeDescribeQuorumResponse(received.subarray(4, 4 + size), correlationId));
      } catch (error) {
        reject(error);
      }
    });
  });
}
