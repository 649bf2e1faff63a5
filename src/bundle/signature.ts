/**
 * manifest.sig, the second entry of every bundle: an ed25519 signature over the exact bytes of
 * manifest.json, by a key the creating control machine holds. The manifest lists every other entry's
 * sha256, so a good signature with every checksum matching vouches for the whole bundle. Pure
 * (node:crypto only): the key files are src/bundle/signing-keys.ts's business.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

export const SIGNATURE_NAME = "manifest.sig";
export const SIGNATURE_FORMAT = "ops-bundle-signature/1";

export interface BundleSignature {
  readonly format: typeof SIGNATURE_FORMAT;
  readonly algorithm: "ed25519";
  /** keyId of the signing key's public half. */
  readonly key: string;
  /** base64 of the 64-byte ed25519 signature. */
  readonly signature: string;
}

export class SignatureError extends Error {}

/**
 * A public key's id: `ed25519:` and the first 32 hex digits of the sha256 of its SubjectPublicKeyInfo
 * (DER), what a person compares between the two machines.
 *
 * @example keyId(createPublicKey(pem)) // "ed25519:6f1c0a…"
 */
export function keyId(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ type: "spki", format: "der" });
  return `ed25519:${createHash("sha256").update(der).digest("hex").slice(0, 32)}`;
}

/** @example signManifest(bytes, privateKey) // the bytes of manifest.sig */
export function signManifest(manifest: Buffer, privateKey: KeyObject): Buffer {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new SignatureError("the signing key is not ed25519");
  const doc: BundleSignature = {
    format: SIGNATURE_FORMAT,
    algorithm: "ed25519",
    key: keyId(privateKey),
    signature: sign(null, manifest, privateKey).toString("base64"),
  };
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses manifest.sig; throws SignatureError saying what is wrong with it. */
export function parseSignature(bytes: Buffer): BundleSignature {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new SignatureError(`${SIGNATURE_NAME} is not JSON`);
  }
  if (!isObject(doc) || doc.format !== SIGNATURE_FORMAT)
    throw new SignatureError(`${SIGNATURE_NAME}: format is not "${SIGNATURE_FORMAT}"`);
  if (doc.algorithm !== "ed25519")
    throw new SignatureError(`${SIGNATURE_NAME}: algorithm ${JSON.stringify(doc.algorithm)} is not ed25519`);
  if (typeof doc.key !== "string" || !/^ed25519:[0-9a-f]{32}$/.test(doc.key))
    throw new SignatureError(`${SIGNATURE_NAME}: key is not an ed25519 key id`);
  if (typeof doc.signature !== "string" || !/^[A-Za-z0-9+/]{86}==$/.test(doc.signature))
    throw new SignatureError(`${SIGNATURE_NAME}: signature is not 64 bytes of base64`);
  return doc as unknown as BundleSignature;
}

/**
 * Checks manifest.sig against the manifest's bytes with the trusted key it names. Returns that
 * key's id; throws SignatureError naming what failed: an untrusted key, or a signature that does
 * not match (the manifest or the signature changed after signing).
 *
 * @example verifyManifest(manifestBytes, sigBytes, [publicKey]) // "ed25519:6f1c0a…"
 */
export function verifyManifest(manifest: Buffer, sigBytes: Buffer, trusted: readonly KeyObject[]): string {
  const sig = parseSignature(sigBytes);
  const key = trusted.find((k) => keyId(k) === sig.key);
  if (!key) {
    const ids = trusted.map(keyId);
    throw new SignatureError(
      `it is signed by key ${sig.key}, which this machine does not trust (trusted: ${ids.length > 0 ? ids.join(", ") : "none"})`,
    );
  }
  if (!verify(null, manifest, key, Buffer.from(sig.signature, "base64")))
    throw new SignatureError(
      `the signature in ${SIGNATURE_NAME} does not match manifest.json for key ${sig.key}: the manifest or its signature was changed after signing`,
    );
  return sig.key;
}
