// A raw Kafka connection for the specs that must talk to one chosen broker rather than to whoever
// a client library picks: Metadata as that broker sees it, a Produce sent straight to it, proof
// that an acks=0 Produce got no response at all, and who leads the metadata quorum. Uses the
// project's own protocol codecs.
import { connect, type Socket } from "node:net";
import { buildRecordBatch } from "../../reference-broker/log/batch-builder.ts";
import { FrameReader } from "../../reference-broker/protocol/frame-reader.ts";
import { ApiKey, type RequestBodies, type ResponseBodies } from "../../reference-broker/protocol/generated/messages.ts";
import { decodeResponse, encodeRequest, type RequestApiKey } from "../../reference-broker/protocol/wire.ts";
import { KconformError } from "../../harness/errors.ts";
import type { SpecTarget } from "../spec.ts";

/** Versions every broker of interest serves: Kafka 4.x dropped older ones, the reference broker stops at these. */
const METADATA_VERSION = 12;
const PRODUCE_VERSION = 9;
const API_VERSIONS_VERSION = 3;
const DESCRIBE_QUORUM_VERSION = 0;
const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 5_000;

export class WireError extends KconformError {}

export class WireConnection {
  private readonly pending = new Map<number, (frame: Buffer | Error) => void>();
  /** Correlation ids of frames that arrived with no request waiting for them. */
  readonly unsolicited: number[] = [];
  private nextCorrelationId = 1;
  private closedBecause: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {
    const frames = new FrameReader();
    socket.on("data", (chunk) => {
      for (const frame of frames.push(chunk)) {
        const correlationId = frame.readInt32BE(0);
        const waiting = this.pending.get(correlationId);
        if (waiting === undefined) this.unsolicited.push(correlationId);
        this.pending.delete(correlationId);
        waiting?.(frame);
      }
    });
    const fail = (error: Error) => {
      this.closedBecause ??= error;
      for (const settle of this.pending.values()) settle(error);
      this.pending.clear();
    };
    socket.on("error", (error) => fail(new WireError(`connection to ${address} failed: ${error.message}`, "wire-connection", { address }, { cause: error })));
    socket.on("close", () => fail(new WireError(`connection to ${address} closed`, "wire-closed", { address })));
  }

  /** Connects to `address` as clients of `target` would (through the harness's detours). */
  static open(target: SpecTarget, address: string): Promise<WireConnection> {
    const via = target.access.detours?.get(address) ?? address;
    const colon = via.lastIndexOf(":");
    return new Promise((resolve, reject) => {
      const socket = connect({ host: via.slice(0, colon), port: Number(via.slice(colon + 1)) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new WireError(`could not connect to ${address} within ${CONNECT_TIMEOUT_MS} ms`, "wire-connect-timeout", { address }));
      }, CONNECT_TIMEOUT_MS);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new WireConnection(socket, address));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new WireError(`could not connect to ${address}: ${error.message}`, "wire-connect", { address }, { cause: error }));
      });
    });
  }

  /** Sends a request and resolves with its decoded response; rejects after a bound or when the connection drops. */
  request<K extends RequestApiKey>(apiKey: K, version: number, body: RequestBodies[K]): Promise<ResponseBodies[K]> {
    if (this.closedBecause !== undefined) return Promise.reject(this.closedBecause);
    const correlationId = this.nextCorrelationId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new WireError(`${this.address} did not answer API key ${apiKey} v${version} within ${REQUEST_TIMEOUT_MS} ms`, "wire-timeout", { address: this.address, apiKey }));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(correlationId, (frame) => {
        clearTimeout(timer);
        if (frame instanceof Error) reject(frame);
        else {
          try {
            resolve(decodeResponse(apiKey, version, frame).body as ResponseBodies[K]);
          } catch (error) {
            reject(error);
          }
        }
      });
      this.socket.write(encodeRequest(apiKey, version, correlationId, "kconform-spec-wire", body));
    });
  }

  /** Writes a request the broker must not answer (acks=0 Produce); returns its correlation id. */
  sendUnanswered<K extends RequestApiKey>(apiKey: K, version: number, body: RequestBodies[K]): number {
    const correlationId = this.nextCorrelationId++;
    this.socket.write(encodeRequest(apiKey, version, correlationId, "kconform-spec-wire", body));
    return correlationId;
  }

  close(): void {
    this.socket.destroy();
  }
}

export async function withConnection<T>(target: SpecTarget, address: string, use: (connection: WireConnection) => Promise<T>): Promise<T> {
  const connection = await WireConnection.open(target, address);
  try {
    return await use(connection);
  } finally {
    connection.close();
  }
}

export interface PartitionView {
  partition: number;
  errorCode: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** One broker's answer to Metadata: the brokers it knows (id → address) and its view of one topic. */
export interface MetadataView {
  brokers: Map<number, string>;
  topicErrorCode: number;
  partitions: PartitionView[];
}

export async function metadataView(connection: WireConnection, topic: string): Promise<MetadataView> {
  const response = await connection.request(ApiKey.Metadata, METADATA_VERSION, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const found = response.topics.find((t) => t.name === topic);
  return {
    brokers: new Map(response.brokers.map((broker) => [broker.nodeId, `${broker.host}:${broker.port}`])),
    topicErrorCode: found?.errorCode ?? -1,
    partitions: (found?.partitions ?? [])
      .map((p) => ({ partition: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, replicas: [...p.replicaNodes], isr: [...p.isrNodes] }))
      .sort((a, b) => a.partition - b.partition),
  };
}

/** The brokers this broker knows to be alive (registered, unfenced): Metadata for no topics. */
export async function liveBrokers(connection: WireConnection): Promise<Set<number>> {
  const response = await connection.request(ApiKey.Metadata, METADATA_VERSION, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return new Set(response.brokers.map((broker) => broker.nodeId));
}

/** The node leading the KRaft metadata quorum (the active controller), as this broker learns it with DescribeQuorum. */
export async function metadataQuorumLeader(connection: WireConnection): Promise<number> {
  const response = await connection.request(ApiKey.DescribeQuorum, DESCRIBE_QUORUM_VERSION, { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }] });
  const partition = response.topics[0]?.partitions[0];
  const errorCode = response.errorCode !== 0 ? response.errorCode : (partition?.errorCode ?? -1);
  if (errorCode !== 0 || partition === undefined) throw new WireError(`${connection.address} answered DescribeQuorum with error code ${errorCode}`, "describe-quorum-failed", { address: connection.address, errorCode });
  return partition.leaderId;
}

const produceBody = (topic: string, partition: number, values: readonly string[], acks: 0 | 1 | -1) => ({
  transactionalId: null,
  acks,
  timeoutMs: REQUEST_TIMEOUT_MS,
  topicData: [{ name: topic, partitionData: [{ index: partition, records: buildRecordBatch({ records: values.map((value) => ({ value })), timestamp: Date.now() }) }] }],
});

/** A Produce of `values` as one batch to this broker; its partition's error code and base offset. */
export async function produceDirect(connection: WireConnection, topic: string, partition: number, values: readonly string[], acks: 1 | -1 = 1): Promise<{ errorCode: number; baseOffset: number }> {
  const response = await connection.request(ApiKey.Produce, PRODUCE_VERSION, produceBody(topic, partition, values, acks));
  const answer = response.responses.find((r) => r.name === topic)?.partitionResponses.find((p) => p.index === partition);
  if (answer === undefined) throw new WireError(`${connection.address} answered a Produce to ${topic}-${partition} without that partition`, "wire-missing-partition", { topic, partition });
  return { errorCode: answer.errorCode, baseOffset: Number(answer.baseOffset) };
}

/**
 * Sends an acks=0 Produce, then an ApiVersions request on the same connection. Responses come back
 * in request order, so once ApiVersions is answered any answer to the Produce would have arrived:
 * returns whether one did.
 */
export async function acksZeroAnswered(connection: WireConnection, topic: string, partition: number, values: readonly string[]): Promise<boolean> {
  const produceId = connection.sendUnanswered(ApiKey.Produce, PRODUCE_VERSION, produceBody(topic, partition, values, 0));
  await connection.request(ApiKey.ApiVersions, API_VERSIONS_VERSION, { clientSoftwareName: "kconform", clientSoftwareVersion: "1" });
  return connection.unsolicited.includes(produceId);
}
