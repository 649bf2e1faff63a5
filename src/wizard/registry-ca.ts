/**
 * The CA certificate of a registry that already runs, read from a file on this machine for
 * install-engine's `registry_ca_certs`: PEM certificates only (a bundle is fine), each one readable
 * by OpenSSL, so a wrong file is refused at the question instead of at the first pull.
 */
import { X509Certificate } from "node:crypto";
import { readUserFileSync } from "../fs/read-file.js";

/** A CA bundle is a few KB; anything near this is not one. */
const MAX_BYTES = 1024 * 1024;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/**
 * The certificates of `text`, as PEM ending in a newline; throws an Error saying what is wrong.
 *
 * @example caPemFrom(readFileSync("ca.crt", "utf8")) // "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
 */
export function caPemFrom(text: string): string {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  for (const [i, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (err) {
      throw new Error(
        `certificate ${i + 1} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!cert.ca && blocks.length === 1) {
      throw new Error(
        `it is ${cert.subject.replace(/\n/g, ", ")}'s own certificate, not a CA: give the CA that signed it`,
      );
    }
  }
  return blocks.map((b) => b.trim()).join("\n") + "\n";
}

/**
 * Reads `path` (capped, a regular file) and returns its certificates; errors name the file.
 *
 * @example readRegistryCa("/etc/pki/harbor-ca.crt")
 */
export function readRegistryCa(path: string): string {
  try {
    return caPemFrom(readUserFileSync(path, { what: "CA certificate", maxBytes: MAX_BYTES }));
  } catch (err) {
    // The answer is shown under the question it failed: the message itself names the file.
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
