// kafkajs client configuration for workload workers: the cluster's connection settings, our
// timeouts, quiet logs, and optionally a detour of every broker connection through a proxy the
// harness runs (client-link faults against clusters whose advertised addresses it cannot change).
import { connect as netConnect, isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { logLevel, type ISocketFactory, type KafkaConfig, type logCreator } from "kafkajs";
import { kafkaJsConfig } from "../../targets/external/kafkajs-config.ts";
import type { ClientTimeouts } from "../settings.ts";
import type { ClusterAccess } from "../workload-client.ts";

const KEEP_ALIVE_DELAY_MS = 60_000;

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/** kafkajs's own socket factory, except that detoured addresses connect elsewhere (TLS still names the broker). */
export function detouringSocketFactory(detours: ReadonlyMap<string, string>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const via = detours.get(`${host}:${port}`);
    const target = via === undefined ? { host, port } : splitAddress(via);
    const socket = ssl
      ? tlsConnect({ ...target, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : netConnect(target, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    return socket;
  };
}

export function workerKafkaConfig(access: ClusterAccess, clientId: string, timeouts: ClientTimeouts, log?: logCreator): KafkaConfig {
  return kafkaJsConfig(access, {
    clientId,
    connectionTimeout: timeouts.connectMs,
    requestTimeout: timeouts.requestMs,
    // Short retries: the operation's own deadline decides when to give up, not kafkajs's backoff.
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 },
    ...(log === undefined ? { logLevel: logLevel.NOTHING } : { logLevel: logLevel.DEBUG, logCreator: log }),
    ...(access.detours !== undefined && access.detours.size > 0 ? { socketFactory: detouringSocketFactory(access.detours) } : {}),
  });
}
