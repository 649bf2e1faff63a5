/**
 * Image references as the engine lists them: `team/app:1.0`, `busybox:latest`, `reg.lan:443/team/app:1.0`.
 * ops compares what a host has with what the inventory wants by reference and image id (the config
 * digest, which `docker save | docker load` keeps; a repo digest does not survive a load). Pure.
 */

/** name[:tag] with lowercase path components, an optional registry host[:port] first; no digest. */
export const REF_PATTERN =
  "^(?:[a-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$";

export const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * The reference as `docker images` prints it: a tag always (`:latest` when none), Docker Hub's
 * `docker.io/` and `library/` dropped.
 *
 * @example normalizeRef("docker.io/library/busybox") === "busybox:latest"
 */
export function normalizeRef(ref: string): string {
  let r = ref.replace(/^docker\.io\//, "").replace(/^library\//, "");
  const lastSlash = r.lastIndexOf("/");
  if (!r.slice(lastSlash + 1).includes(":")) r = `${r}:latest`;
  return r;
}

/** `team/app:1.0` -> `{ repository: "team/app", tag: "1.0" }` (normalized first). */
export function splitRef(ref: string): { repository: string; tag: string } {
  const r = normalizeRef(ref);
  const colon = r.lastIndexOf(":");
  return { repository: r.slice(0, colon), tag: r.slice(colon + 1) };
}

/** `sha256:0123456789ab…` -> `0123456789ab`: how people read ids. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}
