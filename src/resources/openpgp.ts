/**
 * Just enough OpenPGP (RFC 4880) to identify a public key without trusting anything: dearmor with
 * the CRC24 checked, walk the packets, and fingerprint the primary key (v4: SHA-1 over 0x99,
 * a 2-byte length and the packet body). No signature checks: the fingerprint the user pinned is
 * the trust anchor, and rpm verifies package signatures with the key once imported.
 */
import { createHash } from "node:crypto";

/** The one error this module throws: the data is not a usable OpenPGP public key (and why). */
export class OpenPgpError extends Error {
  override readonly name = "OpenPgpError";
}

export interface Packet {
  readonly tag: number;
  readonly body: Buffer;
}

export interface KeyIdentity {
  /** 40 hex digits, uppercase. */
  readonly fingerprint: string;
  /** The low 64 bits of the fingerprint: 16 hex digits, uppercase. */
  readonly keyId: string;
  /** The low 32 bits, lowercase: the version of rpm's `gpg-pubkey` package for this key. */
  readonly rpmKeyId: string;
}

/** CRC-24 of RFC 4880 section 6.1. */
export function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * The bytes of the first ASCII-armored block; throws OpenPgpError when the armor or its checksum
 * is wrong.
 *
 * @example dearmor(readFileSync("docker.asc", "utf8")).length > 0
 */
export function dearmor(text: string): Buffer {
  const rows = text.replace(/\r/g, "").split("\n");
  const start = rows.findIndex((l) => /^-----BEGIN PGP [A-Z ,0-9/]+-----\s*$/.test(l));
  if (start < 0) throw new OpenPgpError("no -----BEGIN PGP ...----- line");
  const stop = rows.findIndex((l, i) => i > start && /^-----END PGP /.test(l));
  if (stop < 0) throw new OpenPgpError("no -----END PGP ...----- line");
  let i = start + 1;
  while (i < stop && /^[A-Za-z-]+: /.test(rows[i] ?? "")) i++; // armor headers (Version:, Comment:)
  let data = "";
  let checksum: string | undefined;
  for (; i < stop; i++) {
    const line = (rows[i] ?? "").trim();
    if (line.startsWith("=") && line.length === 5) checksum = line.slice(1);
    else data += line;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new OpenPgpError("the armored data is not base64");
  const bytes = Buffer.from(data, "base64");
  if (checksum !== undefined) {
    const want = Buffer.from(checksum, "base64");
    const crc = crc24(bytes);
    if (want.length !== 3 || want.readUIntBE(0, 3) !== crc)
      throw new OpenPgpError("armor checksum (CRC24) mismatch");
  }
  return bytes;
}

/** Splits binary OpenPGP data into packets; old- and new-format lengths (no partial lengths). */
export function readPackets(data: Buffer): Packet[] {
  const packets: Packet[] = [];
  let at = 0;
  const need = (n: number): void => {
    if (at + n > data.length) throw new OpenPgpError("truncated OpenPGP packet");
  };
  while (at < data.length) {
    need(1);
    const head = data[at++] ?? 0;
    if ((head & 0x80) === 0) throw new OpenPgpError(`invalid packet header byte 0x${head.toString(16)}`);
    let tag: number;
    let len: number;
    if (head & 0x40) {
      tag = head & 0x3f;
      need(1);
      const first = data[at++] ?? 0;
      if (first < 192) len = first;
      else if (first < 224) {
        need(1);
        len = ((first - 192) << 8) + (data[at++] ?? 0) + 192;
      } else if (first === 255) {
        need(4);
        len = data.readUInt32BE(at);
        at += 4;
      } else throw new OpenPgpError("partial body lengths are not used in keys");
    } else {
      tag = (head >> 2) & 0x0f;
      const type = head & 0x03;
      if (type === 3) throw new OpenPgpError("indeterminate packet lengths are not supported");
      const n = 1 << type;
      need(n);
      len = data.readUIntBE(at, n);
      at += n;
    }
    need(len);
    packets.push({ tag, body: data.subarray(at, at + len) });
    at += len;
  }
  return packets;
}

/**
 * The identity of the primary public key in armored or binary key data. Any input that is not a v4
 * public key throws OpenPgpError, and nothing else.
 *
 * @example keyIdentity(armored).fingerprint // "060A61C51B558A7F742B77AAC52FEB6B621E9F35"
 */
export function keyIdentity(key: string | Buffer): KeyIdentity {
  const text = typeof key === "string" ? key : key.toString("latin1");
  const bytes = text.includes("-----BEGIN PGP")
    ? dearmor(text)
    : Buffer.isBuffer(key)
      ? key
      : Buffer.from(key, "latin1");
  const primary = readPackets(bytes).find((p) => p.tag === 6);
  if (!primary) throw new OpenPgpError("no public key packet");
  if (primary.body[0] !== 4)
    throw new OpenPgpError(`public key version ${primary.body[0] ?? "?"} is not supported (only v4)`);
  // A v4 fingerprint hashes a 2-byte length: a longer key packet cannot be a v4 key.
  if (primary.body.length > 0xffff) throw new OpenPgpError("public key packet is too long for a v4 key");
  const header = Buffer.alloc(3);
  header[0] = 0x99;
  header.writeUInt16BE(primary.body.length, 1);
  const fingerprint = createHash("sha1").update(header).update(primary.body).digest("hex").toUpperCase();
  return { fingerprint, keyId: fingerprint.slice(-16), rpmKeyId: fingerprint.slice(-8).toLowerCase() };
}

/** Uppercase hex without spaces: "060a 61c5 ..." -> "060A61C5...". */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/\s+/g, "").replace(/^0x/i, "").toUpperCase();
}
