/**
 * PEM certificates in a text (one, or a bundle with text around it), each parsed: the one place
 * that splits and reads them, for the variable's schema, its rule and the wizard alike.
 */
import { X509Certificate } from "node:crypto";

/** One PEM certificate block, as a regular expression source (base64 and white space inside). */
export const PEM_CERTIFICATE_BLOCK = "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----";

export interface PemCertificate {
  /** The block, trimmed. */
  readonly pem: string;
  readonly cert: X509Certificate;
}

/**
 * Every certificate block of `text`, parsed, in order; [] when there is none. Throws an Error
 * saying which one cannot be read (a paste cut short, say).
 *
 * @example readPemCertificates(readFileSync("ca.crt", "utf8"))[0].cert.ca === true
 */
export function readPemCertificates(text: string): PemCertificate[] {
  const blocks = text.match(new RegExp(PEM_CERTIFICATE_BLOCK, "g")) ?? [];
  return blocks.map((block, i) => {
    try {
      return { pem: block.trim(), cert: new X509Certificate(block) };
    } catch (err) {
      throw new Error(
        `certificate ${i + 1} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
}
