// A broker's metadata proposal sent to the active controller: Produce v9 of one entry batch to
// __cluster_metadata-0 on the controller listener (see apis/00-metadata-proposal.ts), on a lane of
// its own since the answer waits for the commit.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { encodeMetadataEntry } from "../quorum/metadata-entries.ts";
import type { MetadataProposer, ProposalOutcome } from "../quorum/metadata-writes.ts";
import { encodeEntry } from "../quorum/raft/entry-batches.ts";
import type { PeerNetwork } from "./peer-pool.ts";
import { METADATA_TOPIC } from "./raft-wire.ts";

const PRODUCE_VERSION = 9;

export class ProduceMetadataProposer implements MetadataProposer {
  constructor(
    private readonly pool: PeerNetwork,
    /** How long the controller may take to commit; the request itself gets a little more. */
    private readonly timeoutMs: number,
  ) {}

  async propose(controllerId: number, baseOffset: number, leaderEpoch: number, records: MetadataRecord[]): Promise<ProposalOutcome> {
    const batch = encodeEntry({ offset: baseOffset, epoch: leaderEpoch, control: false, data: encodeMetadataEntry(records) });
    let errorCode: number;
    let offset: number;
    try {
      const response = await this.pool.send(
        controllerId,
        "proposal",
        ApiKey.Produce,
        PRODUCE_VERSION,
        { transactionalId: null, acks: -1, timeoutMs: this.timeoutMs, topicData: [{ name: METADATA_TOPIC, partitionData: [{ index: 0, records: batch }] }] },
        this.timeoutMs + 1_000,
      );
      const partition = response.responses[0]?.partitionResponses[0];
      errorCode = partition?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      offset = Number(partition?.baseOffset ?? -1n);
    } catch (error) {
      return { kind: "failed", reason: (error as Error).message };
    }
    if (errorCode === ErrorCode.NONE) return { kind: "committed", offset };
    if (errorCode === ErrorCode.INVALID_UPDATE_VERSION) return { kind: "stale" };
    if (errorCode === ErrorCode.NOT_CONTROLLER || errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) return { kind: "not-controller" };
    return { kind: "failed", reason: `controller ${controllerId} answered error code ${errorCode}` };
  }
}
