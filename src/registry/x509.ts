/**
 * The registry's certificates, made on the control machine with WebCrypto (ECDSA P-256) and
 * @peculiar/x509: no `openssl` shelled out, no key ever on a command line. A CA once per inventory,
 * and a server certificate per registry whose SANs hold its name and address. Pure apart from
 * the randomness of keys and serial numbers; files are ca-store.ts's business.
 */
import "reflect-metadata"; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from "@peculiar/x509";
import { X509Certificate as NodeX509, createPrivateKey, randomBytes, webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface KeyAndCert {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServerNames {
  /** DNS names, e.g. "registry.lan". */
  readonly dns: readonly string[];
  /** IP addresses, e.g. "172.28.213.10". */
  readonly ips: readonly string[];
}

/** A positive serial number of 16 random bytes, as RFC 5280 recommends (at most 20 octets). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey("pkcs8", der, ALG, false, ["sign"]);
}

/** Normalised PEM: one trailing newline, so files converge by checksum. */
const pem = (cert: x509.X509Certificate): string => `${cert.toString("pem").trim()}\n`;

/**
 * A new CA valid for `days` (default ten years).
 *
 * @example const ca = await createCa("ops registry CA (hosts.yaml)", new Date()); ca.certPem // "-----BEGIN CERTIFICATE-----..."
 */
export async function createCa(commonName: string, now: Date, days = 3650): Promise<KeyAndCert> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [commonName] }],
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pem(cert), keyPem: await exportKey(keys.privateKey) };
}

/**
 * A server certificate signed by `ca` for the given names, valid for `days`.
 *
 * @example await signServer(ca, { dns: ["registry.lan"], ips: ["10.0.0.5"] }, new Date(), 365)
 */
export async function signServer(
  ca: KeyAndCert,
  names: ServerNames,
  now: Date,
  days: number,
): Promise<KeyAndCert> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const subject = names.dns[0] ?? names.ips[0] ?? "registry";
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [subject] }],
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.keyPem),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: "dns" as const, value })),
        ...names.ips.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: pem(cert), keyPem: await exportKey(keys.privateKey) };
}

/** What a certificate says about itself, for renewal decisions and messages. */
export interface CertInfo {
  readonly subject: string;
  readonly notAfter: Date;
  readonly dns: readonly string[];
  readonly ips: readonly string[];
  readonly isCa: boolean;
}

/** @example certInfo(pem).notAfter */
export function certInfo(certPem: string): CertInfo {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const json = san?.names.toJSON() ?? [];
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    subject: cert.subject,
    notAfter: cert.notAfter,
    dns: json.filter((n) => n.type === "dns").map((n) => n.value),
    ips: json.filter((n) => n.type === "ip").map((n) => n.value),
    isCa: basic?.ca === true,
  };
}

/**
 * Why a server certificate must be made anew, or null while it is good: signed by this CA, holds
 * every name, and is not within `renewDays` of its end.
 *
 * @example await renewalReason(server.certPem, ca.certPem, names, new Date(), 30) // null
 */
export async function renewalReason(
  certPem: string,
  caCertPem: string,
  names: ServerNames,
  now: Date,
  renewDays: number,
): Promise<string | null> {
  const cert = new x509.X509Certificate(certPem);
  const ca = new x509.X509Certificate(caCertPem);
  if (!(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }))) {
    return "it is not signed by the CA";
  }
  const info = certInfo(certPem);
  const missing = [
    ...names.dns.filter((n) => !info.dns.includes(n)),
    ...names.ips.filter((n) => !info.ips.includes(n)),
  ];
  if (missing.length > 0) return `it does not name ${missing.join(", ")}`;
  const left = Math.floor((info.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (left < renewDays) return `it expires in ${left} days (renewed ${renewDays} days before)`;
  return null;
}

/**
 * Does this private key belong to this certificate? (A user's own pair, checked before use; Node's
 * own X509Certificate reads any PEM key format, PKCS#1 and SEC1 included.)
 *
 * @example keyMatches(own.certPem, own.keyPem) // true
 */
export function keyMatches(certPem: string, keyPem: string): boolean {
  return new NodeX509(certPem).checkPrivateKey(createPrivateKey(keyPem));
}
