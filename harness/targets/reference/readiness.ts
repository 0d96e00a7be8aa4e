// The client's view of a reference cluster's readiness: every node printing `ready` is not enough,
// since a broker may not yet have applied the registrations of the others. The cluster is ready
// once every broker answers Metadata listing every broker.
import { setTimeout as sleep } from "node:timers/promises";
import { ApiKey } from "../../../reference-broker/protocol/generated/messages.ts";
import { PeerConnection } from "../../../reference-broker/rpc/peer-connection.ts";

const METADATA_VERSION = 12;
const POLL_MS = 20;

async function brokersSeenBy(address: string): Promise<number[]> {
  const [host, port] = address.split(":");
  const connection = new PeerConnection({ nodeId: -1, host, port: Number(port) }, "kconform-readiness");
  try {
    const response = await connection.send(ApiKey.Metadata, METADATA_VERSION, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 2_000);
    return response.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    connection.close();
  }
}

/** Resolves with undefined once every bootstrap broker lists all of brokerIds, or with what was missing at the deadline. */
export async function waitForMetadataAgreement(bootstrap: readonly string[], brokerIds: readonly number[], timeoutMs: number): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  const wanted = [...brokerIds].sort((a, b) => a - b).join(",");
  for (;;) {
    const views = await Promise.all(bootstrap.map((address) => brokersSeenBy(address).then((ids) => ids.join(","), (error: Error) => `unreachable (${error.message})`)));
    const missing = bootstrap.flatMap((address, i) => (views[i] === wanted ? [] : [`${address} sees [${views[i]}]`]));
    if (missing.length === 0) return undefined;
    if (performance.now() >= deadline) return `brokers [${wanted}] expected; ${missing.join("; ")}`;
    await sleep(POLL_MS);
  }
}
