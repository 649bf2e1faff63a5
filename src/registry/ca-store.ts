/**
 * Where the registry's TLS material lives on the control machine, and how it is kept: the CA is
 * made once per inventory (its key mode 0600 beside the inventory, or in `registry_ca_dir`), the
 * server certificate is signed once and kept beside it, and signed anew only when it no longer
 * names the registry or nears its end. Keeping it, rather than signing every run, is what lets the
 * second run be a no-op: the same bytes go to the host. Or the user's own certificate and key.
 */
import { X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import {
  createCa,
  keyMatches,
  renewalReason,
  signServer,
  type KeyAndCert,
  type ServerNames,
} from "./x509.js";

export const CA_CERT_FILE = "ops-registry-ca.crt";
export const CA_KEY_FILE = "ops-registry-ca.key";

export interface TlsMaterial {
  /** What engines trust (certs.d); null when the user's certificate needs no private CA. */
  readonly caPem: string | null;
  readonly certPem: string;
  readonly keyPem: string;
  /** What this call made or renewed, in words, for the run's log; empty when all was kept. */
  readonly made: readonly string[];
}

export interface OpsCaRequest {
  /** Folder holding the CA (the inventory's folder by default). */
  readonly dir: string;
  /** The registry host's inventory name: its certificate files are named after it. */
  readonly host: string;
  readonly names: ServerNames;
  readonly days: number;
  readonly renewDays: number;
  /** A run that changes nothing: what would be made is made in memory only. */
  readonly check: boolean;
  readonly now: Date;
}

const serverFiles = (dir: string, host: string) => ({
  cert: join(dir, `ops-registry-${host}.crt`),
  key: join(dir, `ops-registry-${host}.key`),
});

/** Writes a file whole or not at all, created with its final mode (a key is never readable by others). */
function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

/** A private key others can read is refused, the way ssh refuses one. */
function readKey(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")})`,
      { file: path },
      `chmod 600 ${path}`,
    );
  }
  return readFileSync(path, "utf8");
}

function loadOrCreateCa(req: OpsCaRequest, made: string[]): Promise<KeyAndCert> | KeyAndCert {
  const cert = join(req.dir, CA_CERT_FILE);
  const key = join(req.dir, CA_KEY_FILE);
  const [hasCert, hasKey] = [existsSync(cert), existsSync(key)];
  if (hasCert && hasKey) return { certPem: readFileSync(cert, "utf8"), keyPem: readKey(key) };
  if (hasCert !== hasKey) {
    const [there, gone] = hasCert ? [cert, key] : [key, cert];
    throw new ConfigError(
      `the registry CA is half there: ${there} exists but ${gone} is missing`,
      { file: there },
      "restore the missing file from a backup; or remove both to make a new CA (every engine then trusts the new one on the next run)",
    );
  }
  made.push(`created the registry CA ${cert}`);
  return createCa(`ops registry CA (${req.dir})`, req.now).then((ca) => {
    if (!req.check) {
      writeAtomic(key, ca.keyPem, 0o600);
      writeAtomic(cert, ca.certPem, 0o644);
    }
    return ca;
  });
}

/**
 * The CA (made when missing) and a server certificate for `req.names` (signed when missing,
 * misnamed, not from this CA, or near its end).
 *
 * @example await opsCaMaterial({ dir: "/site", host: "reg1", names: { dns: [], ips: ["10.0.0.5"] }, days: 365, renewDays: 30, check: false, now: new Date() })
 */
export async function opsCaMaterial(req: OpsCaRequest): Promise<TlsMaterial> {
  const made: string[] = [];
  const ca = await loadOrCreateCa(req, made);
  const files = serverFiles(req.dir, req.host);
  if (existsSync(files.cert) && existsSync(files.key)) {
    const current = { certPem: readFileSync(files.cert, "utf8"), keyPem: readKey(files.key) };
    const why = await renewalReason(current.certPem, ca.certPem, req.names, req.now, req.renewDays);
    if (why === null) return { caPem: ca.certPem, ...current, made };
    made.push(`renewed ${files.cert}: ${why}`);
  } else {
    made.push(`signed ${files.cert}`);
  }
  const server = await signServer(ca, req.names, req.now, req.days);
  if (!req.check) {
    writeAtomic(files.key, server.keyPem, 0o600);
    writeAtomic(files.cert, server.certPem, 0o644);
  }
  return { caPem: ca.certPem, ...server, made };
}

export interface OwnCertRequest {
  /** Paths as written in the variables; relative ones are read from `baseDir`. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly baseDir: string;
  readonly names: ServerNames;
  readonly now: Date;
}

function readUserFile(baseDir: string, path: string, variable: string): string {
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return readFileSync(full, "utf8");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
    throw new ConfigError(`${variable}: ${full} ${why}`, { path: variable });
  }
}

/**
 * The user's own certificate and key, checked before anything is sent: the key belongs to the
 * certificate, the certificate names the registry, and it has not expired.
 *
 * @example ownCertMaterial({ certFile: "tls/reg.crt", keyFile: "tls/reg.key", caFile: "", baseDir, names, now })
 */
export function ownCertMaterial(req: OwnCertRequest): TlsMaterial {
  const certPem = readUserFile(req.baseDir, req.certFile, "registry_tls_cert_file");
  const keyPem = readUserFile(req.baseDir, req.keyFile, "registry_tls_key_file");
  const caPem = req.caFile === "" ? null : readUserFile(req.baseDir, req.caFile, "registry_tls_ca_file");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new ConfigError(`registry_tls_cert_file: ${req.certFile} is not a PEM certificate`, {
      path: "registry_tls_cert_file",
    });
  }
  if (!keyMatches(certPem, keyPem)) {
    throw new ConfigError(`registry_tls_key_file: ${req.keyFile} is not the key of ${req.certFile}`, {
      path: "registry_tls_key_file",
    });
  }
  const unnamed = [
    ...req.names.dns.filter((n) => cert.checkHost(n) === undefined),
    ...req.names.ips.filter((n) => cert.checkIP(n) === undefined),
  ];
  if (unnamed.length > 0) {
    throw new ConfigError(
      `registry_tls_cert_file: ${req.certFile} does not name ${unnamed.join(", ")}`,
      { path: "registry_tls_cert_file" },
      "engines refuse a certificate that does not name the address they use: add it as a SAN, or set registry_hostname",
    );
  }
  if (new Date(cert.validTo).getTime() < req.now.getTime()) {
    throw new ConfigError(`registry_tls_cert_file: ${req.certFile} expired on ${cert.validTo}`, {
      path: "registry_tls_cert_file",
    });
  }
  return { caPem, certPem, keyPem, made: [] };
}
