// Client link down: the proxy stops listening and cuts open connections; clients see refused
// connections to that broker until it comes back.
import type { FaultHandle } from "../net/toxiproxy/network.ts";
import { proxiesOf, removeAll } from "./client-link.ts";
import { FaultError, linksUnavailable, type FaultPackage } from "./fault.ts";

export const proxyDown: FaultPackage = {
  name: "proxy-down",
  family: "client-link",
  label: "client link down",
  color: "#6d597a",
  unavailable: linksUnavailable,
  async start(context, start) {
    const links = context.links;
    if (links === undefined) throw new FaultError("proxy-down", "no Toxiproxy in front of the brokers");
    const handles: FaultHandle[] = [];
    try {
      for (const proxy of proxiesOf(context, start, "proxy-down")) handles.push(await links.down(proxy));
    } catch (error) {
      await removeAll(handles).catch(() => undefined);
      throw error;
    }
    return { targets: handles.map((handle) => `${handle.proxy}: down`), stop: () => removeAll(handles) };
  },
  async heal(context) {
    await context.links?.healAll();
  },
};
