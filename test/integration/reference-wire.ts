// A raw Kafka client for the reference-broker tests: requests of any API and version written with
// the project's codecs, so tests can send what kafkajs never would (a batch twice, flexible Fetch,
// garbage) and read partitions back without a consumer group.
import { connect, type Socket } from "node:net";
import { FrameReader } from "../../reference-broker/protocol/frame-reader.ts";
import type { RequestBodies, ResponseBodies } from "../../reference-broker/protocol/generated/messages.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { decodeResponse, encodeRequest, type RequestApiKey } from "../../reference-broker/protocol/wire.ts";
import { RecordBatch, splitBatches, type KafkaRecord } from "../../reference-broker/log/record-batch.ts";

export class WireClient {
  private readonly pending = new Map<number, (frame: Buffer) => void>();
  private nextCorrelationId = 1;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    const frames = new FrameReader();
    socket.on("data", (chunk) => {
      for (const frame of frames.push(chunk)) {
        const correlationId = frame.readInt32BE(0);
        const resolve = this.pending.get(correlationId);
        this.pending.delete(correlationId);
        resolve?.(frame);
      }
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static connect(bootstrap: string): Promise<WireClient> {
    const [host, port] = bootstrap.split(":");
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new WireClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Sends a request and resolves with its decoded response. */
  request<K extends RequestApiKey>(apiKey: K, version: number, body: RequestBodies[K]): Promise<ResponseBodies[K]> {
    const correlationId = this.nextCorrelationId++;
    return new Promise((resolve, reject) => {
      this.pending.set(correlationId, (frame) => {
        try {
          resolve(decodeResponse(apiKey, version, frame).body);
        } catch (error) {
          reject(error);
        }
      });
      this.closed.then(() => reject(new Error(`connection closed before the response to correlation id ${correlationId}`)));
      this.socket.write(encodeRequest(apiKey, version, correlationId, "kconform-wire", body));
    });
  }

  /** Sends a request that gets no response (acks=0 produce). */
  send<K extends RequestApiKey>(apiKey: K, version: number, body: RequestBodies[K]): void {
    this.socket.write(encodeRequest(apiKey, version, this.nextCorrelationId++, "kconform-wire", body));
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ReadRecord extends KafkaRecord {
  batch: RecordBatch;
}

/** Every record of a partition from `fromOffset` up to the high watermark, with Fetch at `version`. */
export async function readPartition(client: WireClient, topic: string, partition: number, fromOffset = 0, version = 12): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  let offset = fromOffset;
  for (;;) {
    const response = await client.request(ApiKey.Fetch, version, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 4 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
      forgottenTopicsData: [],
      rackId: "",
    });
    const data = response.responses[0].partitions[0];
    if (data.errorCode !== 0) throw new Error(`fetch of ${topic}-${partition} at ${offset} failed with error ${data.errorCode}`);
    for (const batch of splitBatches(data.records ?? Buffer.alloc(0)).batches) {
      for (const record of batch.records()) if (record.offset >= offset) records.push({ ...record, batch });
      offset = batch.nextOffset;
    }
    if (offset >= Number(data.highWatermark)) return records;
  }
}
