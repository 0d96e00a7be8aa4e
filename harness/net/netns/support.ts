// Whether this process may build namespace networks and partition them: checked once, by doing it
// on a throwaway namespace, so the answer is the kernel's and not a guess from the uid.
import { runCommand, inNamespace } from "./command.ts";
import { namespaceName, newRunId } from "./names.ts";
import { dropFromScript } from "./nft.ts";
import { loopbackScript, ROUTE_LOCALNET } from "./loopback.ts";

export type NetnsSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

let checked: Promise<NetnsSupport> | undefined;

/** The cached answer; the first call does the probe (a fraction of a second). */
export function netnsSupport(): Promise<NetnsSupport> {
  checked ??= probe();
  return checked;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function probe(): Promise<NetnsSupport> {
  for (const [tool, args, pkg] of [
    ["ip", ["-V"], "iproute2"],
    ["nft", ["--version"], "nftables"],
  ] as const) {
    try {
      await runCommand({ command: tool, args });
    } catch (error) {
      return { ok: false, reason: `\`${tool}\` is not usable (install ${pkg}): ${message(error)}` };
    }
  }
  const probeNs = namespaceName(newRunId(), "probe");
  try {
    await runCommand({ command: "ip", args: ["netns", "add", probeNs] });
  } catch (error) {
    return {
      ok: false,
      reason: `cannot create a network namespace (needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN): ${message(error)}`,
    };
  }
  try {
    await runCommand({ command: "ip", args: ["-n", probeNs, "link", "add", "br0", "type", "bridge"] });
    await runCommand({ command: "ip", args: ["-n", probeNs, "link", "add", "v0", "type", "veth", "peer", "name", "v1"] });
    await runCommand(inNamespace(probeNs, "nft", ["-f", "-"]), { input: dropFromScript(["10.213.0.1"]) });
    await runCommand(inNamespace(probeNs, "sysctl", ["-qw", `${ROUTE_LOCALNET}=1`]));
    await runCommand(inNamespace(probeNs, "nft", ["-f", "-"]), { input: loopbackScript("10.213.0.1", "v0", [{ port: 9092, address: "10.213.0.2" }]) });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot build a bridge, veth pair, nftables filter and NAT rules inside a namespace: ${message(error)}` };
  } finally {
    await runCommand({ command: "ip", args: ["netns", "delete", probeNs] }).catch(() => undefined);
  }
}
