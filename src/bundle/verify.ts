/**
 * Checks a bundle file on the control machine before any byte of it reaches a host: manifest.json
 * comes first, manifest.sig second and signs it with a key this machine trusts, every other entry is
 * listed in the manifest with exactly its size and sha256, nothing is missing and nothing is extra.
 *
 * The control machine checks, not the host: it already holds root on every host over SSH (a host
 * cannot be safer than the machine that drives it), it needs no openssl or key on hosts, and a bad
 * bundle is refused before any host is reached. The host then checks the whole file's sha256
 * computed here, which binds the bytes it unpacks to the signed manifest. Reads the file once, streaming; also gives the whole file's sha256,
 * which names the bundle on hosts (so a host that has it is skipped, and a resumed copy is checked).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { KeyObject } from "node:crypto";
import { Transform } from "node:stream";
import { ConfigError } from "../errors.js";
import { MANIFEST_NAME, ManifestError, parseManifest, type BundleManifest } from "./manifest.js";
import { SIGNATURE_NAME, SignatureError, verifyManifest } from "./signature.js";
import { readTar } from "./tar.js";

export interface VerifiedBundle {
  readonly path: string;
  /** sha256 of the whole file, hex. */
  readonly sha256: string;
  readonly size: number;
  readonly manifest: BundleManifest;
  /** The id of the trusted key whose signature over manifest.json checked. */
  readonly signedBy: string;
  /** The repos' signing key (manifest.key), read on the way: hosts get exactly these bytes. */
  readonly key?: Buffer;
}

const MAX_MANIFEST = 16 * 1024 * 1024;
const MAX_SIGNATURE = 4096;

async function small(entry: { size: number; stream: AsyncIterable<Buffer> }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of entry.stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * @param trusted the public keys whose signatures are accepted (signing-keys.ts's trustedKeys)
 * @example const bundle = await verifyBundle("site.bundle.tar", trustedKeys(keyPlaces())); bundle.manifest.images.length
 */
export async function verifyBundle(path: string, trusted: readonly KeyObject[]): Promise<VerifiedBundle> {
  const refuse = (why: string) =>
    new ConfigError(`bundle ${path} is refused: ${why}; nothing was sent to any host`, { file: path });
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error("not a regular file");
  } catch (err) {
    throw refuse(`it cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  const whole = createHash("sha256");
  let size = 0;
  const input = createReadStream(path);
  // The whole file's digest is taken on the way through: the file is read once.
  const tee = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      whole.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  input.on("error", (err) => tee.destroy(err));
  input.pipe(tee);
  let manifestBytes: Buffer | undefined;
  let manifest: BundleManifest | undefined;
  let signedBy: string | undefined;
  let key: Buffer | undefined;
  const seen = new Set<string>();
  try {
    await readTar(tee, async (entry) => {
      if (entry.type !== "file")
        throw refuse(`entry ${entry.name.slice(0, 100)} is a ${entry.type}, not a file`);
      if (!manifestBytes) {
        if (entry.name !== MANIFEST_NAME)
          throw refuse(`the first entry is ${entry.name.slice(0, 100)}, not ${MANIFEST_NAME}`);
        if (entry.size > MAX_MANIFEST) throw refuse(`${MANIFEST_NAME} is larger than ${MAX_MANIFEST} bytes`);
        manifestBytes = await small(entry);
        return;
      }
      if (!manifest) {
        // The signature is checked before the manifest is even parsed: nothing unsigned is read.
        if (entry.name !== SIGNATURE_NAME)
          throw refuse(
            `it is not signed: the second entry is ${entry.name.slice(0, 100)}, not ${SIGNATURE_NAME}`,
          );
        if (entry.size > MAX_SIGNATURE)
          throw refuse(`${SIGNATURE_NAME} is larger than ${MAX_SIGNATURE} bytes`);
        signedBy = verifyManifest(manifestBytes, await small(entry), trusted);
        manifest = parseManifest(manifestBytes.toString("utf8"));
        return;
      }
      const want = manifest.files.find((f) => f.path === entry.name);
      if (!want) throw refuse(`entry ${entry.name.slice(0, 100)} is not in the manifest`);
      if (seen.has(entry.name)) throw refuse(`entry ${entry.name} appears twice`);
      seen.add(entry.name);
      const h = createHash("sha256");
      let n = 0;
      const isKey = entry.name === manifest.key?.path && entry.size <= 1024 * 1024;
      const kept: Buffer[] = [];
      for await (const c of entry.stream) {
        h.update(c);
        n += c.length;
        if (isKey) kept.push(c);
      }
      if (isKey) key = Buffer.concat(kept);
      const got = h.digest("hex");
      if (n !== want.size || got !== want.sha256)
        throw refuse(
          `${entry.name} does not match the manifest (sha256 ${got}, ${n} bytes; expected ${want.sha256}, ${want.size} bytes)`,
        );
    });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof ManifestError || err instanceof SignatureError) throw refuse(err.message);
    throw refuse(`it is not a readable tar (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!manifestBytes) throw refuse(`it holds no ${MANIFEST_NAME}`);
  if (!manifest || !signedBy) throw refuse(`it is not signed: it holds no ${SIGNATURE_NAME}`);
  const missing = manifest.files.filter((f) => !seen.has(f.path));
  if (missing.length > 0)
    throw refuse(`${missing.length} file(s) of the manifest are missing, first ${missing[0]?.path ?? ""}`);
  return { path, sha256: whole.digest("hex"), size, manifest, signedBy, ...(key ? { key } : {}) };
}
