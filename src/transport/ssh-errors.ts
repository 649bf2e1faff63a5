/**
 * Turns what ssh2 and the socket throw into a ConnectError a user can act on. ssh2's messages
 * never carry credentials, but we still build our own words and keep only its short reason.
 */
import { ConnectError } from "../errors.js";

interface LowLevelError {
  code?: string;
  level?: string;
  message?: string;
}

/** Where the failed connection was going, for the message. */
export interface ConnectAttempt {
  name: string;
  host: string;
  port: number;
  user: string;
  /** What credentials were offered, e.g. ["ssh-agent", "key ~/.ssh/id_rsa"]. */
  offered: string[];
  readyTimeoutMs: number;
  /** "via jump host bastion" when this hop was reached through another. */
  via?: string;
}

/**
 * Maps a failure of one handshake to a ConnectError.
 *
 * @example toConnectError({ code: "ECONNREFUSED" }, attempt).message
 *   // "connection refused by 10.0.0.5:22"
 */
export function toConnectError(error: unknown, attempt: ConnectAttempt): ConnectError {
  if (error instanceof ConnectError) return error;
  const e: LowLevelError = typeof error === "object" && error !== null ? (error as LowLevelError) : {};
  const addr = `${attempt.host}:${attempt.port}${attempt.via ? ` (${attempt.via})` : ""}`;
  const fail = (message: string, hint: string): ConnectError => new ConnectError(attempt.name, message, hint);
  if (e.level === "client-authentication") {
    const tried = attempt.offered.length > 0 ? attempt.offered.join(", ") : "nothing";
    return fail(
      `authentication failed for ${attempt.user}@${addr} (offered: ${tried})`,
      attempt.offered.length > 0
        ? "check ansible_user and that the key is in the user's authorized_keys (or the password)"
        : "no key, agent or password to offer: set ansible_ssh_private_key_file, load ssh-agent or set a password",
    );
  }
  switch (e.code) {
    case "ECONNREFUSED":
      return fail(`connection refused by ${addr}`, "is sshd running and listening on that port?");
    case "ETIMEDOUT":
      return fail(
        `timed out connecting to ${addr} after ${attempt.readyTimeoutMs} ms`,
        "check the address, the port and any firewall in between",
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return fail(`no route to host ${addr}`, "check the address and the network between here and the host");
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return fail(
        `cannot resolve the host name ${attempt.host}`,
        "check ansible_host or HostName in ~/.ssh/config",
      );
    case "ECONNRESET":
      return fail(
        `connection reset by ${addr}`,
        "sshd closed the connection: check its logs (MaxStartups, AllowUsers, tcp wrappers)",
      );
  }
  if (e.level === "client-timeout") {
    return fail(
      `timed out waiting for the SSH handshake with ${addr} after ${attempt.readyTimeoutMs} ms`,
      "the port answers but does not speak SSH in time: check the port, or raise the ready timeout",
    );
  }
  const reason = (e.message ?? String(error)).split("\n")[0];
  return fail(`could not connect to ${addr}: ${reason}`, "run again; if it persists, check sshd's logs");
}

/** The error for every exec after the connection dropped. */
export function connectionLost(name: string, host: string, reason?: string): ConnectError {
  return new ConnectError(
    name,
    `connection to ${host} lost${reason ? `: ${reason}` : ""}`,
    "the host rebooted, sshd restarted or the network dropped; the host counts as unreachable",
  );
}
