// The Raft messages survive their Kafka wire form: built, encoded with the project's codec at the
// version the transport uses, decoded as the peer decodes them, and read back.
import { describe, expect, it } from "vitest";
import { ApiKey } from "../protocol/generated/messages.ts";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type RequestApiKey } from "../protocol/wire.ts";
import { METADATA_TOPIC_ID } from "../protocol/uuid.ts";
import type { FetchResponse } from "../quorum/raft/messages.ts";
import * as wire from "./raft-wire.ts";

function overTheWire<K extends RequestApiKey>(apiKey: K, version: number, body: unknown) {
  const frame = encodeRequest(apiKey, version, 1, "test", body as never);
  return decodeRequest(frame.subarray(4)).body as never;
}

function answerOverTheWire<K extends RequestApiKey>(apiKey: K, version: number, body: unknown) {
  const frame = encodeResponse(apiKey, version, 1, body as never);
  return decodeResponse(apiKey, version, frame.subarray(4)).body as never;
}

describe("Raft messages on the wire", () => {
  it("Vote", () => {
    const request = { candidateEpoch: 4, candidateId: 2, lastOffsetEpoch: 3, lastOffset: 17 };
    expect(wire.voteRequestFromWire(overTheWire(ApiKey.Vote, wire.RAFT_VERSIONS.vote, wire.voteRequestToWire("c", request)))).toEqual(request);
    const response = { errorCode: 0, leaderId: -1, leaderEpoch: 4, voteGranted: true };
    expect(wire.voteResponseFromWire(answerOverTheWire(ApiKey.Vote, wire.RAFT_VERSIONS.vote, wire.voteResponseToWire(response)))).toEqual(response);
  });

  it("BeginQuorumEpoch and EndQuorumEpoch", () => {
    const begin = { leaderId: 3, leaderEpoch: 9 };
    expect(wire.beginQuorumEpochRequestFromWire(overTheWire(ApiKey.BeginQuorumEpoch, 0, wire.beginQuorumEpochRequestToWire("c", begin)))).toEqual(begin);
    const end = { leaderId: 3, leaderEpoch: 9, preferredSuccessors: [2, 1] };
    expect(wire.endQuorumEpochRequestFromWire(overTheWire(ApiKey.EndQuorumEpoch, 0, wire.endQuorumEpochRequestToWire("c", end)))).toEqual(end);
    const answer = { errorCode: 74, leaderId: 1, leaderEpoch: 10 };
    expect(wire.quorumEpochResponseFromWire(answerOverTheWire(ApiKey.EndQuorumEpoch, 0, wire.quorumEpochResponseToWire(answer)))).toEqual(answer);
  });

  it("Fetch, at the transport's version and at the newest one", () => {
    const request = { replicaId: 1002, currentLeaderEpoch: 5, fetchOffset: 40, lastFetchedEpoch: 4, maxWaitMs: 500 };
    const body = wire.fetchRequestToWire("c", request, 1000);
    expect(wire.fetchRequestFromWire(overTheWire(ApiKey.Fetch, wire.RAFT_VERSIONS.fetch, body))).toEqual(request);
    const v17 = { ...body, replicaState: { replicaId: 1002, replicaEpoch: -1n } };
    delete (v17 as { replicaId?: number }).replicaId;
    expect(wire.fetchRequestFromWire(overTheWire(ApiKey.Fetch, 17, v17))).toEqual(request);
  });

  it("Fetch responses carry entries, a diverging epoch or a snapshot id", () => {
    const entries = [
      { offset: 40, epoch: 5, control: true, data: Buffer.from('{"leaderId":1}') },
      { offset: 41, epoch: 5, control: false, data: Buffer.from("[]") },
    ];
    const responses: FetchResponse[] = [
      { errorCode: 0, leaderId: 1, leaderEpoch: 5, highWatermark: 41, logStartOffset: 0, entries },
      { errorCode: 0, leaderId: 1, leaderEpoch: 5, highWatermark: 41, logStartOffset: 0, divergingEpoch: { epoch: 3, offset: 30 }, entries: [] },
      { errorCode: 0, leaderId: 1, leaderEpoch: 5, highWatermark: 41, logStartOffset: 20, snapshotId: { offset: 20, epoch: 2 }, entries: [] },
      { errorCode: 6, leaderId: -1, leaderEpoch: 5, highWatermark: 0, logStartOffset: 0, entries: [] },
    ];
    for (const response of responses) {
      const body = wire.fetchResponseToWire(response, { topicId: METADATA_TOPIC_ID });
      expect(wire.fetchResponseFromWire(answerOverTheWire(ApiKey.Fetch, wire.RAFT_VERSIONS.fetch, body))).toEqual(response);
    }
  });

  it("FetchSnapshot", () => {
    const request = { replicaId: 2, currentLeaderEpoch: 5, snapshotId: { offset: 20, epoch: 2 }, position: 1024, maxBytes: 4096 };
    expect(wire.fetchSnapshotRequestFromWire(overTheWire(ApiKey.FetchSnapshot, 0, wire.fetchSnapshotRequestToWire("c", request)))).toEqual(request);
    const response = { errorCode: 0, leaderId: 1, leaderEpoch: 5, snapshotId: { offset: 20, epoch: 2 }, size: 3000, position: 1024, bytes: Buffer.from("chunk") };
    expect(wire.fetchSnapshotResponseFromWire(answerOverTheWire(ApiKey.FetchSnapshot, 0, wire.fetchSnapshotResponseToWire(response)))).toEqual(response);
  });

  it("refuses messages about any other partition", () => {
    const body = wire.voteRequestToWire("c", { candidateEpoch: 1, candidateId: 1, lastOffsetEpoch: 0, lastOffset: 0 });
    body.topics[0].partitions[0].partitionIndex = 1;
    expect(() => wire.voteRequestFromWire(body)).toThrow(wire.NotMetadataPartition);
  });
});
