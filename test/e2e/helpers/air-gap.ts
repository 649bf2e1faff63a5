/**
 * Cuts a lab host off from everything but the control machine, inside the host: its routes are
 * replaced by one host route to the bridge gateway (the control machine, where ops's SSH comes
 * from). The repo, the hub, the mirror and every other address then answer "Network is
 * unreachable". Tests recreate the host (or call restoreHost) afterwards.
 */
import { hostExec, readLab } from "../../lab/lab.js";

/** The lab network's gateway: the control machine as the hosts see it. */
export function gatewayOf(subnet: string): string {
  const base = subnet.split("/")[0] ?? "";
  return base.replace(/\.\d+$/, ".1");
}

export async function cutHost(name: string): Promise<void> {
  const gw = gatewayOf(readLab().subnet);
  const dev = (
    await hostExec(name, "ip -o route get " + gw + " | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p'")
  ).trim();
  await hostExec(
    name,
    [
      "set -e",
      "ip route save table main > /run/ops-air-gap.routes",
      "ip route flush table main",
      `ip route add ${gw}/32 dev ${dev}`,
    ].join("\n"),
  );
}

/** Puts back the routes cutHost saved. */
export async function restoreHost(name: string): Promise<void> {
  await hostExec(name, "ip route flush table main; ip route restore < /run/ops-air-gap.routes");
}
