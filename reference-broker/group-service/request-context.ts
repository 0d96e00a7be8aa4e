// Who sent a group request, as the coordinator records members: the client id from the request
// header and the client's address in Kafka's "/host" form (what kafka-consumer-groups prints).
import type { GroupRequestContext } from "../groups/messages.ts";
import type { ConnectionInfo } from "../server/connection.ts";

export function groupRequestContext(request: { apiVersion: number; clientId: string | null }, connection: ConnectionInfo): GroupRequestContext {
  return { apiVersion: request.apiVersion, clientId: request.clientId ?? "", clientHost: `/${hostOf(connection.remote)}` };
}

/** "127.0.0.1:53412" → "127.0.0.1"; "::1:53412" → "::1". */
function hostOf(remote: string): string {
  const colon = remote.lastIndexOf(":");
  return colon < 0 ? remote : remote.slice(0, colon);
}
