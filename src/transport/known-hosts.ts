/**
 * OpenSSH `known_hosts`: a pure parser and a lookup that says whether a host's key is trusted.
 * Pure on purpose: ssh.ts reads the file, this module decides, and the tests feed it text.
 *
 * Supported: comma-separated host lists, `[host]:port` for ports other than 22, hashed entries
 * (`|1|salt|hmac`, HMAC-SHA1 of the host name keyed by the salt), `*`/`?` wildcards, `!` negation,
 * `@revoked` (a match is a refusal) and `@cert-authority` (ignored: we do not verify host certificates).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { compileGlob } from "../text/glob.js";

export interface KnownHostEntry {
  marker?: "revoked" | "cert-authority";
  /** Host patterns as written (plain entries), or empty for a hashed entry. */
  patterns: string[];
  /** For a hashed entry: the salt and the HMAC-SHA1 of the host name. */
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  /** The key blob in SSH wire format (base64-decoded third field). */
  key: Buffer;
  /** 1-based line number, for messages such as "remove line 12". */
  line: number;
}

export type HostKeyVerdict = "match" | "unknown" | "changed" | "revoked";

/**
 * Parses known_hosts text. Comments, blank and malformed lines are skipped, as OpenSSH does.
 *
 * @example parseKnownHosts("[db]:2222,10.0.0.5 ssh-ed25519 AAAAC3...")
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === "" || fields[0].startsWith("#")) return;
    let marker: KnownHostEntry["marker"];
    if (fields[0].startsWith("@")) {
      const name = fields.shift();
      if (name === "@revoked") marker = "revoked";
      else if (name === "@cert-authority") marker = "cert-authority";
      else return;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    const key = Buffer.from(keyBase64, "base64");
    if (key.length === 0) return;
    const entry: KnownHostEntry = { patterns: [], keyType, key, line: index + 1 };
    if (marker) entry.marker = marker;
    if (hosts.startsWith("|1|")) {
      const [, , salt, hash] = hosts.split("|");
      if (!salt || !hash) return;
      entry.hashed = { salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
    } else {
      entry.patterns = hosts.split(",").filter((p) => p !== "");
    }
    entries.push(entry);
  });
  return entries;
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Matches a glob with `*` and `?` against a whole string, case-insensitively like OpenSSH. */
function globMatch(pattern: string, value: string): boolean {
  return compileGlob(pattern, { ignoreCase: true }).test(value);
}

/** True when an entry names the host: a negated pattern that matches wins over any positive one. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host, port);
  if (entry.hashed) {
    const digest = createHmac("sha1", entry.hashed.salt).update(name).digest();
    return digest.length === entry.hashed.hash.length && timingSafeEqual(digest, entry.hashed.hash);
  }
  let positive = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith("!")) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      positive = true;
    }
  }
  return positive;
}

/**
 * Decides whether `keyBlob` (SSH wire format, as ssh2 hands it to `hostVerifier`) is the trusted key
 * for host:port. A revoked key is refused even when another line trusts it; a key of the same type
 * that differs is "changed" (a possible man in the middle); no line of that type is "unknown".
 *
 * @example checkHostKey(parseKnownHosts(text), "10.0.0.5", 22, "ssh-ed25519", blob) // "match"
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && entryMatchesHost(e, host, port));
  if (forHost.some((e) => e.marker === "revoked" && e.key.equals(keyBlob))) return "revoked";
  const trusted = forHost.filter((e) => e.marker === undefined);
  if (trusted.some((e) => e.keyType === keyType && e.key.equals(keyBlob))) return "match";
  if (trusted.some((e) => e.keyType === keyType)) return "changed";
  return "unknown";
}

/** Key types known_hosts trusts for host:port, so the handshake can ask for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries
    .filter((e) => e.marker === undefined && entryMatchesHost(e, host, port))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** Lines that trust another key of this type for host:port: what a user must remove after a key change. */
export function conflictingLines(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
): number[] {
  return entries
    .filter((e) => e.marker === undefined && e.keyType === keyType && entryMatchesHost(e, host, port))
    .map((e) => e.line);
}

/** The key type named inside an SSH wire-format key blob (its first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString("latin1");
}

/** `SHA256:…` fingerprint of a key blob, formatted like `ssh-keygen -l` and `ssh-keyscan | ssh-keygen -lf -`. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}
