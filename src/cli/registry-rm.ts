/**
 * `ops registry rm PROJECT/REPO:TAG | PROJECT/REPO@sha256:...`: deletes a manifest by digest (the
 * registry API has no tag delete: every tag on that digest goes too, and is listed). The disk is
 * freed by the next garbage collection.
 */
import { ConfigError } from "../errors.js";
import { registryContext, type RegistryCliOptions } from "./registry-context.js";
import { printable, printableJson } from "../report/printable.js";

/** `team/app:v1` -> ["team/app", "v1"]; `team/app@sha256:…` -> ["team/app", "sha256:…"]. */
export function parseImageRef(ref: string): [string, string] {
  const at = /^([a-z0-9._/-]+)@(sha256:[0-9a-f]{64})$/.exec(ref);
  if (at?.[1] && at[2]) return [at[1], at[2]];
  const tag = /^([a-z0-9._/-]+):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(ref);
  if (tag?.[1] && tag[2]) return [tag[1], tag[2]];
  throw new ConfigError(`'${ref}' is not PROJECT/REPO:TAG or PROJECT/REPO@sha256:DIGEST`, { path: "image" });
}

/** @example await registryRm(opts, "team/app:v1", write) // deletes the manifest v1 points at */
export async function registryRm(
  opts: RegistryCliOptions,
  ref: string,
  write: (t: string) => void,
): Promise<number> {
  const [repo, reference] = parseImageRef(ref);
  const ctx = await registryContext(opts);
  const api = ctx.api();
  const m = await api.manifest(repo, reference);
  if (m === null) {
    write(`${printable(`${ctx.name}/${repo}: ${reference} is not there; nothing deleted`)}\n`);
    return 0;
  }
  const tags: string[] = [];
  for (const t of await api.tags(repo)) if ((await api.manifest(repo, t))?.digest === m.digest) tags.push(t);
  await api.deleteManifest(repo, m.digest);
  const result = { repository: repo, digest: m.digest, tags, bytes: m.size };
  if (opts.output === "json") write(`${printableJson(result)}\n`);
  else
    write(
      `${printable(`deleted ${ctx.name}/${repo}@${m.digest}${tags.length > 0 ? ` (tags: ${tags.join(", ")})` : ""}`)}\n` +
        "its disk space is freed by the next garbage collection: ops run registry-gc\n",
    );
  return 0;
}
