/**
 * Chooses a transport for one inventory host. The choice is explicit (`kind`), not guessed from
 * the address: "localhost" over SSH and a local shell differ in user, sudo and host keys.
 */
import type { HostConnection } from "../inventory/types.js";
import { connectSsh, type SshOptions } from "./ssh.js";
import type { Transport } from "./transport.js";

export interface ConnectOptions extends SshOptions {
  /** "ssh" (default) or "local" (this machine through /bin/sh, like ansible_connection=local). */
  kind?: "ssh" | "local";
}

/**
 * Opens the transport for a host; rejects with ConnectError when it cannot be reached or trusted.
 *
 * @example const t = await connect("web1", host.connection, { hostKeyPolicy: "strict" });
 */
export async function connect(
  name: string,
  conn: HostConnection,
  options: ConnectOptions,
): Promise<Transport> {
  if (options.kind === "local") {
    // Loaded only when asked for: zx costs start-up time every SSH run would otherwise pay.
    const { LocalTransport } = await import("./local.js");
    const local: ConstructorParameters<typeof LocalTransport>[1] = { become: conn.become };
    if (conn.becomePassword !== undefined) local.becomePassword = conn.becomePassword;
    return new LocalTransport(name, local);
  }
  return connectSsh(name, conn, options);
}
