// Every API the controller listener serves, in protocol order: the Raft RPCs of the metadata
// quorum, the brokers' RPCs to the active controller, and ApiVersions and DescribeQuorum for tools.
import type { AnyApiHandler } from "../../apis/api.ts";
import { metadataProposal } from "../../apis/00-metadata-proposal.ts";
import { metadataFetch } from "../../apis/01-metadata-fetch.ts";
import { apiVersions } from "../../apis/18-api-versions.ts";
import { vote } from "../../apis/52-vote.ts";
import { beginQuorumEpoch } from "../../apis/53-begin-quorum-epoch.ts";
import { endQuorumEpoch } from "../../apis/54-end-quorum-epoch.ts";
import { describeQuorum } from "../../apis/55-describe-quorum.ts";
import { alterPartition } from "../../apis/56-alter-partition.ts";
import { fetchSnapshot } from "../../apis/59-fetch-snapshot.ts";
import { brokerRegistration } from "../../apis/62-broker-registration.ts";
import { brokerHeartbeat } from "../../apis/63-broker-heartbeat.ts";
import type { ControllerContext } from "./controller-context.ts";

export const CONTROLLER_APIS: readonly AnyApiHandler<ControllerContext>[] = [
  metadataProposal,
  metadataFetch,
  apiVersions,
  vote,
  beginQuorumEpoch,
  endQuorumEpoch,
  describeQuorum,
  alterPartition,
  fetchSnapshot,
  brokerRegistration,
  brokerHeartbeat,
];
