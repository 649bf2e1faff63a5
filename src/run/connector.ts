/** The connect function a run uses: inventory host -> open transport, with the run's SSH policy. */
import type { InventoryHost } from "../inventory/types.js";
import { connect, type ConnectOptions } from "../transport/connect.js";
import type { Transport } from "../transport/transport.js";

export function makeConnector(
  options: Omit<ConnectOptions, "kind">,
): (host: InventoryHost) => Promise<Transport> {
  return (host) =>
    connect(host.name, host.connection, { ...options, kind: host.connection.transport ?? "ssh" });
}

/** The SSH options a command line asks for: host key policy and an explicit known_hosts file. */
export function sshOptionsFrom(opts: {
  acceptNewHostKeys: boolean;
  knownHosts?: string | undefined;
}): Omit<ConnectOptions, "kind"> {
  return {
    hostKeyPolicy: opts.acceptNewHostKeys ? "accept-new" : "strict",
    ...(opts.knownHosts ? { knownHostsFile: opts.knownHosts } : {}),
  };
}
