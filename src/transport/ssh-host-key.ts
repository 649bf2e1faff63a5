/**
 * The `hostVerifier` handed to ssh2: checks the server's key against known_hosts before any
 * credential is sent, and remembers why it refused so the connect error can say so plainly
 * (ssh2 itself only reports "Host denied"). Recording a new key may fail (read-only directory, full
 * disk): that too is a refusal of this host, never a rejection left for the process to die of.
 */
import type { ServerHostKeyAlgorithm } from "ssh2";
import { ConnectError } from "../errors.js";
import { appendKnownHost } from "./known-hosts-file.js";
import { KnownHostsFileError } from "./known-hosts-read.js";
import {
  checkHostKey,
  conflictingLines,
  fingerprint,
  keyTypeOf,
  knownKeyTypes,
  type KnownHostEntry,
} from "./known-hosts.js";

/** What a host key confirmation is asked about: the address checked and the key it presents. */
export interface HostKeyInfo {
  /** The inventory host this connection is for. */
  name: string;
  /** The address and port whose key is checked (a jump host's, for a hop through one). */
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprintSha256: string;
}

/**
 * Asked for a key of a host that known_hosts does not know at all: `true` records the key (like
 * "accept-new"), `false` refuses the host. Never asked for a changed or revoked key (always refused).
 * The handshake's ready timeout keeps running while it waits: a caller that asks a person should
 * give the connection a longer `readyTimeoutMs`.
 */
export type ConfirmHostKey = (info: HostKeyInfo) => Promise<boolean>;

/**
 * "strict" refuses unknown keys; "accept-new" records a first key of a host not yet known; a
 * function decides for each such key. A changed key is refused by all three.
 */
export type HostKeyPolicy = "strict" | "accept-new" | ConfirmHostKey;

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
    if (policy !== "strict" && known.length === 0) {
      const info = { name, host, port, keyType, fingerprintSha256: print };
      decideNew(policy, info, file, key)
        .then((refusal) => {
          refused = refusal;
          verify(refusal === undefined);
        })
        // Only ssh2's own answer can throw here, when the handshake is already gone (ready timeout).
        .catch(() => undefined);
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

/**
 * Asks the policy about a new key and records it when accepted. Resolves with the refusal, or
 * undefined once the key is in known_hosts; never rejects, so no failure can go unhandled.
 */
async function decideNew(
  policy: "accept-new" | ConfirmHostKey,
  info: HostKeyInfo,
  file: string,
  key: Buffer,
): Promise<ConnectError | undefined> {
  const addr = `${info.host}:${info.port}`;
  const keyscan = `ssh-keyscan${info.port === 22 ? "" : ` -p ${info.port}`} ${info.host} >> ${file}`;
  let accepted: boolean;
  try {
    accepted = policy === "accept-new" ? true : await policy(info);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new ConnectError(info.name, `could not confirm the host key of ${addr}: ${reason}`);
  }
  if (accepted !== true) {
    return new ConnectError(
      info.name,
      `host key ${info.fingerprintSha256} of ${addr} was not accepted`,
      "the key was declined; connect again and accept it once its fingerprint is checked",
    );
  }
  try {
    await appendKnownHost(file, info.host, info.port, info.keyType, key.toString("base64"));
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = error instanceof KnownHostsFileError ? error.hint : undefined;
    return new ConnectError(
      info.name,
      `cannot add the host key of ${addr} to ${file}: ${reason}`,
      `${hint ? `${hint}; ` : ""}to add it yourself, check the fingerprint ${info.fingerprintSha256} and run ${keyscan}`,
    );
  }
}
