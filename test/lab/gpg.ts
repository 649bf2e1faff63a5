// Lab signing keys, generated once into .cache (no passphrase, batch mode, a GNUPGHOME per key so the
// user's own keyring is never touched). "lab" signs the repo; "rogue" signs the package dnf must refuse.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "./config.js";
import { $, log } from "./sh.js";

export interface SigningKey {
  gnupgHome: string;
  /** Full fingerprint: 40 hex digits, uppercase, no spaces. */
  fingerprint: string;
  /** ASCII-armored public key. */
  armoredFile: string;
}

const UIDS = {
  lab: "ops lab repository <lab@ops.invalid>",
  rogue: "ops lab rogue signer <rogue@ops.invalid>",
} as const;

/** Returns the key, generating it on first use. */
export async function ensureKey(name: keyof typeof UIDS): Promise<SigningKey> {
  const gnupgHome = join(CACHE_DIR, "gpg", name);
  const armoredFile = join(gnupgHome, "public.asc");
  const fprFile = join(gnupgHome, "fingerprint");
  if (!existsSync(fprFile)) {
    log(`generating lab GPG key "${name}"`);
    mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: gnupgHome };
    await $({ env })`gpg --batch --passphrase ${""} --quick-gen-key ${UIDS[name]} rsa3072 sign never`;
    const listing = await $({ env })`gpg --batch --with-colons --fingerprint ${UIDS[name]}`;
    const fpr = listing.stdout.split("\n").find((l) => l.startsWith("fpr:"));
    const fingerprint = fpr?.split(":")[9] ?? "";
    if (!/^[0-9A-F]{40}$/.test(fingerprint)) throw new Error(`could not read fingerprint of ${name} key`);
    const armored = await $({ env })`gpg --batch --armor --export ${fingerprint}`;
    writeFileSync(armoredFile, armored.stdout);
    writeFileSync(fprFile, fingerprint + "\n");
    // gpg starts an agent on demand; do not leave it running after the build.
    await $({ env })`gpgconf --kill gpg-agent`.nothrow();
  }
  return { gnupgHome, fingerprint: readFileSync(fprFile, "utf8").trim(), armoredFile };
}

/** Signs RPMs in place with the key (rpmsign drives gpg in batch mode). */
export async function signRpms(key: SigningKey, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await $`rpmsign --addsign --define ${"__gpg /usr/bin/gpg"} --define ${"_gpg_path " + key.gnupgHome} --define ${"_gpg_name " + key.fingerprint} ${files}`;
  await $({ env: { ...process.env, GNUPGHOME: key.gnupgHome } })`gpgconf --kill gpg-agent`.nothrow();
}
