// The shared shape of client-link faults: a Toxiproxy toxic on the proxy in front of each target
// node, in one or both directions, removed again on stop. Each toxic's own file says which toxic
// and with what defaults.
import type { FaultHandle } from "../net/toxiproxy/network.ts";
import type { ToxicSpec, ToxicStream } from "../net/toxiproxy/toxics.ts";
import { FaultError, linksUnavailable, type ActiveFault, type FaultPackage, type FaultStart, type NemesisContext } from "./fault.ts";

export type LinkDirection = ToxicStream | "both";

export interface ToxicFaultDefinition {
  name: string;
  label: string;
  color: string;
  /** Which way the toxic acts when the schedule does not say (params.direction). */
  direction: LinkDirection;
  toxic(params: Record<string, unknown>): ToxicSpec;
}

export function proxiesOf(context: NemesisContext, start: FaultStart, fault: string): string[] {
  const links = context.links;
  if (links === undefined) throw new FaultError(fault, "no Toxiproxy in front of the brokers");
  return start.nodes.map((nodeId) => {
    const proxy = links.proxyOf(nodeId);
    if (proxy === undefined) throw new FaultError(fault, `node ${nodeId} has no proxy in front of it`, { nodeId });
    return proxy;
  });
}

/** Undo every handle; a proxy that already healed is no error. */
export function removeAll(handles: readonly FaultHandle[]): Promise<void> {
  return Promise.all(handles.map((handle) => handle.remove())).then(() => undefined);
}

function directionOf(params: Record<string, unknown>, fallback: LinkDirection): ToxicStream[] {
  const direction = params.direction === "upstream" || params.direction === "downstream" || params.direction === "both" ? params.direction : fallback;
  return direction === "both" ? ["upstream", "downstream"] : [direction];
}

export function toxicFault(definition: ToxicFaultDefinition): FaultPackage {
  return {
    name: definition.name,
    family: "client-link",
    label: definition.label,
    color: definition.color,
    unavailable: linksUnavailable,
    async start(context, start): Promise<ActiveFault> {
      const links = context.links;
      if (links === undefined) throw new FaultError(definition.name, "no Toxiproxy in front of the brokers");
      const spec = definition.toxic(start.params);
      const handles: FaultHandle[] = [];
      try {
        for (const proxy of proxiesOf(context, start, definition.name)) {
          for (const stream of directionOf(start.params, definition.direction)) handles.push(await links.addToxic(proxy, spec, { stream }));
        }
      } catch (error) {
        await removeAll(handles).catch(() => undefined);
        throw error;
      }
      return { targets: handles.map((handle) => `${handle.proxy}: ${handle.description}`), stop: () => removeAll(handles) };
    },
    async heal(context) {
      await context.links?.healAll();
    },
  };
}
