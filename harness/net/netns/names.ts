// Names and addresses of the network namespaces kconform creates. A name carries its owner's pid
// (`kc-<pid>-<nonce>-<role>`), so leftovers of a crashed run can be told from a live run's.
import { randomBytes } from "node:crypto";

export const NETNS_PREFIX = "kc-";

/** What one namespace is for: the hub holding the bridge, a node, or the privilege probe. */
export type NamespaceRole = "hub" | "probe" | `n${number}`;

export interface ParsedNamespaceName {
  readonly runId: string;
  readonly ownerPid: number;
  readonly role: NamespaceRole;
}

/** A run id unique on this machine: the owner's pid plus a random nonce. */
export function newRunId(pid: number = process.pid): string {
  return `${pid}-${randomBytes(3).toString("hex")}`;
}

export function namespaceName(runId: string, role: NamespaceRole): string {
  return `${NETNS_PREFIX}${runId}-${role}`;
}

export function nodeRole(nodeId: number): NamespaceRole {
  return `n${nodeId}`;
}

const NAME_PATTERN = /^kc-((\d+)-[0-9a-f]+)-(hub|probe|n\d+)$/;

/** The parts of a name this module made, or undefined for any other name. */
export function parseNamespaceName(name: string): ParsedNamespaceName | undefined {
  const match = NAME_PATTERN.exec(name);
  if (!match) return undefined;
  return { runId: match[1], ownerPid: Number(match[2]), role: match[3] as NamespaceRole };
}

/**
 * The address of the node at `index` (0-based) inside one run's private /24. These addresses exist
 * only on the bridge inside our own namespaces: nothing routes them off the machine or into the
 * root namespace, so two runs choosing the same subnet cannot collide.
 */
export function nodeAddress(subnetOctet: number, index: number): string {
  if (!Number.isInteger(subnetOctet) || subnetOctet < 0 || subnetOctet > 255) {
    throw new RangeError(`subnet octet must be an integer in 0..255, got ${subnetOctet}`);
  }
  if (!Number.isInteger(index) || index < 0 || index > 252) {
    throw new RangeError(`node index must be an integer in 0..252 (a /24 holds 253 nodes), got ${index}`);
  }
  return `10.213.${subnetOctet}.${index + 1}`;
}

export const SUBNET_PREFIX_LENGTH = 24;
