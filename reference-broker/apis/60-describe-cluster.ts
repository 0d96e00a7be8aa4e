// DescribeCluster (key 60), versions 0-1: cluster id, live brokers, a random live broker as
// controller id (KRaft: clients cannot reach controllers), and cluster authorized operations when
// asked (all, as Kafka without an authorizer). Only the broker endpoint type is served, as by a
// Kafka broker: controllers (type 2) are MISMATCHED_ENDPOINT_TYPE, unknown types
// UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from "../broker/authorized-operations.ts";
import { liveBrokers, randomLiveBrokerId } from "../broker/cluster-view.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

const BROKER_ENDPOINTS = 1;
const CONTROLLER_ENDPOINTS = 2;

export const describeCluster: ApiHandler<typeof ApiKey.DescribeCluster, BrokerContext> = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request, context) {
    const endpointType = request.body.endpointType ?? BROKER_ENDPOINTS;
    const refuse = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      errorCode: request.apiVersion === 0 ? ErrorCode.INVALID_REQUEST : errorCode,
      errorMessage,
      clusterId: "",
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    });
    if (endpointType !== BROKER_ENDPOINTS && endpointType !== CONTROLLER_ENDPOINTS) {
      return refuse(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${endpointType}`);
    }
    if (endpointType !== BROKER_ENDPOINTS) {
      return refuse(ErrorCode.MISMATCHED_ENDPOINT_TYPE, "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER");
    }
    const image = context.quorum.image;
    const brokers = liveBrokers(image).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKER_ENDPOINTS,
      clusterId: context.clusterId,
      controllerId: randomLiveBrokerId(image),
      brokers,
      clusterAuthorizedOperations: request.body.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
};
