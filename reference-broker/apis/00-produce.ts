// Produce (key 0), versions 0-11 advertised, 3-11 served: v0-2 are answered UNSUPPORTED_VERSION per
// partition, as Kafka 4 does (they stay advertised because librdkafka before 2.11 turns features
// off otherwise). acks 0/1/-1 (acks=0: no response, and a connection closed on any error so the
// producer refreshes metadata), one magic-2 batch per partition, max.message.bytes, CRC, record
// validation, LogAppendTime, idempotent producers (duplicates acknowledged with their original
// offsets). Like Kafka 4, Produce never creates topics: producers do that through Metadata.
// Not implemented: transactions (a transactional batch is refused), quotas (throttle 0).
import { KconformError } from "../../harness/errors.ts";
import { InvalidTimestampError, LogError } from "../log/errors.ts";
import { ATTRIBUTES_OFFSET, BATCH_HEADER_SIZE, CURRENT_MAGIC, MAGIC_OFFSET, splitBatches, type RecordBatch } from "../log/record-batch.ts";
import { CompressionCodec } from "../log/compression.ts";
import { isInternalTopic } from "../metadata/topic-names.ts";
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";
import {
  ApiKey,
  type ProduceRequestTopicProduceData,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { BrokerApiError, wireError } from "../broker/errors.ts";
import type { Partition } from "../broker/partition.ts";
import type { ApiHandler } from "./api.ts";

/** Kafka lets only its own admin client append to internal topics. */
const ADMIN_CLIENT_ID = "__admin_client";
const TRANSACTIONAL_MASK = 0x10;

/** acks=0 produce that failed somewhere: the connection is closed so the producer notices. */
export class AcksZeroProduceFailure extends KconformError {}

interface Appended {
  partition: Partition;
  response: ProduceResponsePartitionProduceResponse;
  /** The offset the high watermark must reach before acks=all is answered. */
  requiredOffset: number;
}

function failed(index: number, errorCode: number, logStartOffset = -1, extra: Partial<ProduceResponsePartitionProduceResponse> = {}): ProduceResponsePartitionProduceResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: BigInt(logStartOffset), recordErrors: [], errorMessage: null, ...extra };
}

/** Kafka's RequestUtils.hasTransactionalRecords: the first batch of some partition is transactional. */
function hasTransactionalRecords(topics: readonly ProduceRequestTopicProduceData[]): boolean {
  return topics.some((t) =>
    t.partitionData.some(({ records }) =>
      records !== null && records.length >= BATCH_HEADER_SIZE && records.readInt8(MAGIC_OFFSET) === CURRENT_MAGIC && (records.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_MASK) !== 0,
    ),
  );
}

/** ProduceRequest.validateRecords for v3+: exactly one magic-2 batch; zstd only from v7. */
function singleBatch(records: Buffer | null, version: number, where: string): RecordBatch {
  const batches = records === null ? [] : splitBatches(records).batches;
  if (batches.length === 0) {
    throw new BrokerApiError(`Produce requests with version ${version} must have at least one record batch per partition`, "INVALID_RECORD", { partition: where });
  }
  const batch = batches[0];
  if (batch.magic !== CURRENT_MAGIC) {
    throw new BrokerApiError(`Produce requests with version ${version} are only allowed to contain record batches with magic version 2`, "INVALID_RECORD", { partition: where });
  }
  if (version < 7 && batch.compression === CompressionCodec.zstd) {
    throw new BrokerApiError(`Produce requests with version ${version} are not allowed to use ZStandard compression`, "UNSUPPORTED_COMPRESSION_TYPE", { partition: where });
  }
  if (batches.length > 1) {
    throw new BrokerApiError(`Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`, "INVALID_RECORD", { partition: where });
  }
  return batch;
}

export const produce: ApiHandler<typeof ApiKey.Produce, BrokerContext> = {
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(request, context) {
    const { acks, timeoutMs, topicData, transactionalId } = request.body;
    const version = request.apiVersion;
    const refuseAll = (errorCode: number): ProduceResponse => ({
      responses: topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => failed(p.index, errorCode)) })),
      throttleTimeMs: 0,
    });
    if (hasTransactionalRecords(topicData) && (transactionalId ?? null) === null) return refuseAll(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);

    const appended: Appended[] = [];
    const responses = topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((data) => {
        const where = `${topic.name}-${data.index}`;
        if (context.quorum.image.partition(topic.name, data.index) === undefined) return failed(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (version < 3) return failed(data.index, ErrorCode.UNSUPPORTED_VERSION);
        let batch: RecordBatch;
        try {
          batch = singleBatch(data.records, version, where);
        } catch (error) {
          return failed(data.index, wireError(error).errorCode);
        }
        if (acks !== 0 && acks !== 1 && acks !== -1) return failed(data.index, ErrorCode.INVALID_REQUIRED_ACKS);
        if (isInternalTopic(topic.name) && request.clientId !== ADMIN_CLIENT_ID) return failed(data.index, ErrorCode.INVALID_TOPIC_EXCEPTION);
        if (batch.isTransactional) return failed(data.index, ErrorCode.INVALID_TXN_STATE);
        const partition = context.replicas.partition(topic.name, data.index);
        if (!partition) return failed(data.index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        try {
          const result = partition.appendAsLeader(batch, acks, "client");
          const response: ProduceResponsePartitionProduceResponse = {
            index: data.index,
            errorCode: ErrorCode.NONE,
            baseOffset: BigInt(result.firstOffset),
            logAppendTimeMs: BigInt(result.logAppendTime),
            logStartOffset: BigInt(result.logStartOffset),
            recordErrors: [],
            errorMessage: null,
          };
          appended.push({ partition, response, requiredOffset: result.lastOffset + 1 });
          return response;
        } catch (error) {
          return appendFailure(context, data.index, where, partition, error);
        }
      }),
    }));

    if (acks === 0) {
      const errors = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => `${t.name}-${p.index}: ${p.errorCode}`));
      if (errors.length > 0) {
        throw new AcksZeroProduceFailure(`closing the connection after an acks=0 produce failed (${errors.join(", ")}), as Kafka does`, "acks-zero-produce-failed", { errors });
      }
      return null;
    }
    if (acks === -1 && appended.length > 0) await awaitReplication(context, appended, timeoutMs);
    return { responses, throttleTimeMs: 0 };
  },
};

/**
 * Kafka's mapping of append failures: record validation failures carry their message (and
 * per-record errors for timestamps) with the log start offset; the well-known refusals (too
 * large, corrupt, not leader) carry nothing; unexpected ones are logged.
 */
function appendFailure(context: BrokerContext, index: number, where: string, partition: Partition, error: unknown): ProduceResponsePartitionProduceResponse {
  const { errorCode, message, expected } = wireError(error);
  if (!expected) context.logger.log("error", "append failed", { partition: where, error: error instanceof Error ? (error.stack ?? message) : message });
  const logStartOffset = partition.log.logStartOffset;
  if (error instanceof InvalidTimestampError) {
    return failed(index, errorCode, logStartOffset, {
      recordErrors: error.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
      errorMessage: message,
    });
  }
  if (error instanceof LogError && error.kafkaError === "INVALID_RECORD") return failed(index, errorCode, logStartOffset, { errorMessage: message });
  const known: readonly ErrorName[] = ["UNKNOWN_TOPIC_OR_PARTITION", "NOT_LEADER_OR_FOLLOWER", "MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "CORRUPT_MESSAGE", "KAFKA_STORAGE_ERROR"];
  const name = error instanceof BrokerApiError || error instanceof LogError ? error.kafkaError : "UNKNOWN_SERVER_ERROR";
  return known.includes(name) ? failed(index, errorCode) : failed(index, errorCode, logStartOffset);
}

/** acks=all: parks until every appended partition's high watermark covers its write, or the request times out. */
async function awaitReplication(context: BrokerContext, appended: readonly Appended[], timeoutMs: number): Promise<void> {
  const operation = {
    keys: appended.map((a) => a.partition.key),
    isSatisfied: () => appended.every((a) => a.partition.replicationStatus(a.requiredOffset).done),
  };
  await context.purgatory.wait(operation, timeoutMs);
  for (const a of appended) {
    const status = a.partition.replicationStatus(a.requiredOffset);
    const error = status.done ? status.error : "REQUEST_TIMED_OUT";
    if (error !== undefined) Object.assign(a.response, failed(a.response.index, ErrorCode[error], Number(a.response.logStartOffset)));
  }
}
