/**
 * The `hostVerifier` handed to ssh2: checks the server's key against known_hosts before any
 * credential is sent, and remembers why it refused so the connect error can say so plainly
 * (ssh2 itself only reports "Host denied").
 */
import type { ServerHostKeyAlgorithm } from "ssh2";
import { ConnectError } from "../errors.js";
import { appendKnownHost } from "./known-hosts-file.js";
import {
  checkHostKey,
  conflictingLines,
  fingerprint,
  keyTypeOf,
  knownKeyTypes,
  type KnownHostEntry,
} from "./known-hosts.js";

export type HostKeyPolicy = "strict" | "accept-new";

export interface HostKeyCheck {
  /** For ssh2's `hostVerifier`: receives the raw key blob, answers through `verify`. */
  verifier: (key: Buffer, verify: (valid: boolean) => void) => void;
  /** The refusal, once the verifier refused; undefined when it accepted or was not called. */
  refusal(): ConnectError | undefined;
  /** Server host key algorithms in order, known types first, so a host known by RSA is asked for RSA. */
  algorithms: ServerHostKeyAlgorithm[];
}

/** Host key algorithms that present each known_hosts key type. */
const ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

/** ssh2's default order; the known types are moved to its front (ssh2's `prepend` never reorders). */
const DEFAULT_ORDER = Object.values(ALGORITHMS).flat();

/**
 * Prepares the check for one hop. `name` is the inventory host (for the error), host:port the
 * address whose key is checked.
 */
export function hostKeyCheck(
  name: string,
  host: string,
  port: number,
  entries: readonly KnownHostEntry[],
  file: string,
  policy: HostKeyPolicy,
): HostKeyCheck {
  let refused: ConnectError | undefined;
  const addr = `${host}:${port}`;
  const known = knownKeyTypes(entries, host, port);
  const verifier = (key: Buffer, verify: (valid: boolean) => void): void => {
    const keyType = keyTypeOf(key);
    const print = fingerprint(key);
    const verdict = checkHostKey(entries, host, port, keyType, key);
    if (verdict === "match") return verify(true);
    if (verdict === "revoked") {
      refused = new ConnectError(
        name,
        `host key ${print} of ${addr} is marked @revoked in ${file}`,
        "the host presents a key that was revoked: do not connect until its key is replaced",
      );
      return verify(false);
    }
    if (verdict === "changed") {
      const lines = conflictingLines(entries, host, port, keyType).join(", ");
      refused = new ConnectError(
        name,
        `HOST KEY CHANGED for ${addr}: it now presents ${keyType} ${print}, which does not match ${file} line ${lines}`,
        `someone may be intercepting the connection; if the host was reinstalled, remove the old line ` +
          `(ssh-keygen -R ${host}${port === 22 ? "" : ` -p ${port}`} -f ${file}) and run again`,
      );
      return verify(false);
    }
    // Accepting a new key type for a host we already know would let a man in the middle pick a
    // type we have not seen; only a host with no known key at all is accepted.
    if (policy === "accept-new" && known.length === 0) {
      appendKnownHost(file, host, port, keyType, key.toString("base64")).then(
        () => verify(true),
        (error: Error) => {
          refused = new ConnectError(name, `cannot add the host key of ${addr} to ${file}: ${error.message}`);
          verify(false);
        },
      );
      return;
    }
    const otherTypes = known.length > 0 ? ` (it knows ${known.join(", ")} keys for this host)` : "";
    refused = new ConnectError(
      name,
      `host key for ${addr} is not in ${file}${otherTypes}`,
      `check the fingerprint ${print} and run again with --accept-new-host-keys, or add it with ` +
        `ssh-keyscan${port === 22 ? "" : ` -p ${port}`} ${host} >> ${file}`,
    );
    verify(false);
  };
  return {
    verifier,
    refusal: () => refused,
    algorithms: [...new Set([...known.flatMap((type) => ALGORITHMS[type] ?? []), ...DEFAULT_ORDER])],
  };
}
