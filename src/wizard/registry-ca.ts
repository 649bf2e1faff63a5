/**
 * The CA certificate of a registry that already runs, read from a file on this machine for
 * install-engine's `registry_ca_certs`: PEM certificates only (a bundle is fine), each one readable
 * by OpenSSL, so a wrong file is refused at the question instead of at the first pull.
 */
import { readUserFileSync } from "../fs/read-file.js";
import { readPemCertificates } from "../registry/pem.js";

/** A CA bundle is a few KB; anything near this is not one. */
const MAX_BYTES = 1024 * 1024;

/**
 * The certificates of `text`, as PEM ending in a newline; throws an Error saying what is wrong.
 *
 * @example caPemFrom(readFileSync("ca.crt", "utf8")) // "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
 */
export function caPemFrom(text: string): string {
  const certs = readPemCertificates(text);
  const only = certs.length === 1 ? certs[0] : undefined;
  if (certs.length === 0) throw new Error("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  if (only && !only.cert.ca) {
    const subject = only.cert.subject.replace(/\n/g, ", ");
    throw new Error(`it is ${subject}'s own certificate, not a CA: give the CA that signed it`);
  }
  return certs.map((c) => c.pem).join("\n") + "\n";
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
