// Every API the node serves, one handler per API key (the files of ../apis, in protocol order).
// ApiVersions advertises exactly this table; a new API is one import and one line here.
import type { AnyApiHandler } from "../apis/api.ts";
import { produce } from "../apis/00-produce.ts";
import { fetch } from "../apis/01-fetch.ts";
import { listOffsets } from "../apis/02-list-offsets.ts";
import { metadata } from "../apis/03-metadata.ts";
import { offsetCommit } from "../apis/08-offset-commit.ts";
import { offsetFetch } from "../apis/09-offset-fetch.ts";
import { findCoordinator } from "../apis/10-find-coordinator.ts";
import { joinGroup } from "../apis/11-join-group.ts";
import { heartbeat } from "../apis/12-heartbeat.ts";
import { leaveGroup } from "../apis/13-leave-group.ts";
import { syncGroup } from "../apis/14-sync-group.ts";
import { describeGroups } from "../apis/15-describe-groups.ts";
import { listGroups } from "../apis/16-list-groups.ts";
import { apiVersions } from "../apis/18-api-versions.ts";
import { createTopics } from "../apis/19-create-topics.ts";
import { deleteTopics } from "../apis/20-delete-topics.ts";
import { deleteRecords } from "../apis/21-delete-records.ts";
import { initProducerId } from "../apis/22-init-producer-id.ts";
import { offsetForLeaderEpoch } from "../apis/23-offset-for-leader-epoch.ts";
import { describeConfigs } from "../apis/32-describe-configs.ts";
import { alterConfigs } from "../apis/33-alter-configs.ts";
import { createPartitions } from "../apis/37-create-partitions.ts";
import { deleteGroups } from "../apis/42-delete-groups.ts";
import { electLeaders } from "../apis/43-elect-leaders.ts";
import { incrementalAlterConfigs } from "../apis/44-incremental-alter-configs.ts";
import { describeCluster } from "../apis/60-describe-cluster.ts";
import type { BrokerContext } from "./context.ts";

export const BROKER_APIS: readonly AnyApiHandler<BrokerContext>[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  describeConfigs,
  alterConfigs,
  createPartitions,
  deleteGroups,
  electLeaders,
  incrementalAlterConfigs,
  describeCluster,
];
