// The static controller quorum (Kafka's controller.quorum.voters): `id@host:port,...`, where each
// voter's controller listener is. Every node of a cluster is started with the same list; a cluster
// id not given explicitly is derived from it, so nodes started alike agree on one.
import { createHash } from "node:crypto";
import { CouldNotRunError } from "../../../harness/errors.ts";

export interface QuorumVoter {
  nodeId: number;
  host: string;
  port: number;
}

/** --peers / controller.quorum.voters that cannot be used. */
export class VotersError extends CouldNotRunError {}

const VOTER = /^(\d+)@([^:@,\s]+):(\d+)$/;

export function parseVoters(text: string): QuorumVoter[] {
  const voters = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const match = VOTER.exec(part);
      const port = Number(match?.[3]);
      if (!match || port < 1 || port > 65535) throw new VotersError(`"${part}" is not a voter; expected id@host:port`, "bad-voters", { voter: part });
      return { nodeId: Number(match[1]), host: match[2], port };
    });
  if (voters.length === 0) throw new VotersError("the controller quorum needs at least one voter", "bad-voters", { voters: text });
  const ids = new Set(voters.map((v) => v.nodeId));
  if (ids.size !== voters.length) throw new VotersError(`a voter id appears twice in "${text}"`, "bad-voters", { voters: text });
  return voters;
}

export function formatVoters(voters: readonly QuorumVoter[]): string {
  return voters.map((v) => `${v.nodeId}@${v.host}:${v.port}`).join(",");
}

/** A cluster id (Kafka's Uuid text form) that every node started with these voters derives alike. */
export function clusterIdForVoters(voters: readonly QuorumVoter[]): string {
  const canonical = formatVoters([...voters].sort((a, b) => a.nodeId - b.nodeId));
  return createHash("sha256").update(`kconform-reference-cluster:${canonical}`).digest().subarray(0, 16).toString("base64url");
}
