// The kafkajs client library as a ClientFactory: producers and consumers from their specs, and
// the harness's admin client.
import type { ClientSpec } from "../settings.ts";
import type { ClientFactory, ClusterAccess, ClusterAdmin, WorkloadClient } from "../workload-client.ts";
import { KafkaJsAdmin } from "./admin.ts";
import { KafkaJsConsumer } from "./consumer.ts";
import { KAFKAJS_LIBRARY } from "./library.ts";
import { KafkaJsProducer } from "./producer.ts";

export const kafkaJsClients: ClientFactory = {
  library: KAFKAJS_LIBRARY,
  create(spec: ClientSpec, access: ClusterAccess): WorkloadClient {
    return spec.role === "producer"
      ? new KafkaJsProducer(spec.process, access, spec.producer, spec.timeouts)
      : new KafkaJsConsumer(spec.process, access, spec.consumer, spec.timeouts);
  },
  admin(access: ClusterAccess): ClusterAdmin {
    return new KafkaJsAdmin(access);
  },
};
