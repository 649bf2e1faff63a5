/**
 * Where the bundle keys live on a control machine, and how they are made. The machine that creates
 * bundles holds an ed25519 private key, `$XDG_CONFIG_HOME/ops/bundle-signing/key.pem` (default
 * `~/.config/ops/bundle-signing/`, directory 0700, file 0600), made by the first `ops bundle create`
 * (or `ops bundle key`), with its public half beside it as `key.pub.pem`. The machine that runs
 * `--bundle` trusts its own key and every public key in `~/.config/ops/bundle-trusted/*.pem`: copy
 * the creating machine's key.pub.pem there when the bundle is carried to another site.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { chmod, link, mkdir, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { readUserFileIfExistsSync } from "../fs/read-file.js";
import { keyId } from "./signature.js";

export interface KeyPlaces {
  /** The private key: …/ops/bundle-signing/key.pem. */
  readonly privateFile: string;
  /** Its public half, to copy to other control machines. */
  readonly publicFile: string;
  /** Public keys of other machines whose bundles this one accepts. */
  readonly trustedDir: string;
}

/** @example keyPlaces({ HOME: "/home/ops" }).privateFile === "/home/ops/.config/ops/bundle-signing/key.pem" */
export function keyPlaces(env: NodeJS.ProcessEnv = process.env): KeyPlaces {
  const base = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "ops");
  return {
    privateFile: join(base, "bundle-signing", "key.pem"),
    publicFile: join(base, "bundle-signing", "key.pub.pem"),
    trustedDir: join(base, "bundle-trusted"),
  };
}

const KEY_MAX = 64 * 1024;

function readPrivate(file: string): KeyObject | undefined {
  const pem = readUserFileIfExistsSync(file, { what: "bundle signing key", maxBytes: KEY_MAX });
  if (pem === undefined) return undefined;
  // Like ssh with its keys: a private key others can read is not used.
  if ((statSync(file).mode & 0o077) !== 0)
    throw new ConfigError("bundle signing key is readable by other users", { file }, `chmod 600 ${file}`);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError("bundle signing key is not a PEM private key", { file });
  }
  if (key.asymmetricKeyType !== "ed25519")
    throw new ConfigError(`bundle signing key is ${key.asymmetricKeyType ?? "unknown"}, not ed25519`, {
      file,
    });
  return key;
}

/**
 * The private key, made on first use. Never overwrites: two runs making a key at once keep the
 * first one written (link fails on an existing file).
 *
 * @example const { key, id, created } = await signingKey(keyPlaces())
 */
export async function signingKey(
  places: KeyPlaces,
): Promise<{ key: KeyObject; id: string; created: boolean }> {
  const have = readPrivate(places.privateFile);
  if (have) return { key: have, id: keyId(have), created: false };
  const dir = join(places.privateFile, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const pair = generateKeyPairSync("ed25519");
  const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" });
  const temp = `${places.privateFile}.${process.pid}.tmp`;
  let created = true;
  await writeFile(temp, pem, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, places.privateFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    created = false;
  } finally {
    await unlink(temp);
  }
  const key = readPrivate(places.privateFile);
  if (!key)
    throw new ConfigError("bundle signing key vanished as it was written", { file: places.privateFile });
  const pub = createPublicKey(key).export({ type: "spki", format: "pem" });
  await writeFile(places.publicFile, pub, { mode: 0o644 });
  return { key, id: keyId(key), created };
}

/**
 * The public keys this machine accepts bundles from: its own signing key's, and every `*.pem` in
 * the trusted folder. A file there that is no ed25519 public key is an error naming it.
 *
 * @example trustedKeys(keyPlaces()).map(keyId)
 */
export function trustedKeys(places: KeyPlaces): KeyObject[] {
  const keys: KeyObject[] = [];
  const own = readPrivate(places.privateFile);
  if (own) keys.push(createPublicKey(own));
  let names: string[] = [];
  try {
    names = readdirSync(places.trustedDir).filter((n) => n.endsWith(".pem"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  for (const name of names.sort()) {
    const file = join(places.trustedDir, name);
    const pem = readUserFileIfExistsSync(file, { what: "trusted bundle key", maxBytes: KEY_MAX });
    if (pem === undefined) continue;
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new ConfigError("trusted bundle key is not a PEM public key", { file });
    }
    if (key.asymmetricKeyType !== "ed25519")
      throw new ConfigError(`trusted bundle key is ${key.asymmetricKeyType ?? "unknown"}, not ed25519`, {
        file,
      });
    keys.push(key);
  }
  return keys;
}
