/**
 * Image references as docker reads them: `busybox` is `docker.io/library/busybox:latest`,
 * `registry.lan:5000/team/app@sha256:…` names its registry. Pure.
 */

export interface ImageRef {
  /** `docker.io`, `registry.lan:5000`. */
  readonly registry: string;
  /** `library/busybox`, `team/app`. */
  readonly repository: string;
  /** A tag or a `sha256:` digest. */
  readonly reference: string;
  /** What `docker load` tags it as: the name as the person wrote it, with its tag. */
  readonly tagged: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * @example parseImageRef("registry:2.8.2") // { registry: "docker.io", repository: "library/registry", reference: "2.8.2", tagged: "registry:2.8.2" }
 */
export function parseImageRef(text: string): ImageRef {
  const bad = (why: string) => new Error(`"${text.slice(0, 200)}" is not an image reference: ${why}`);
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad("the digest is not sha256:<64 hex>");
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad("bad tag");
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  const hasRegistry =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const path = hasRegistry ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((c) => COMPONENT.test(c))) throw bad("bad repository name");
  if (hasRegistry && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(registry)) throw bad("bad registry host");
  const repository = registry === "docker.io" && path.length === 1 ? `library/${path[0]}` : path.join("/");
  return {
    registry,
    repository,
    reference: digest ?? tag ?? "latest",
    tagged: `${rest}:${tag ?? "latest"}`,
  };
}

/** The platform names registries use for an `uname -m` architecture. */
export function ociArch(unameArch: string): string {
  const known: Record<string, string> = {
    x86_64: "amd64",
    aarch64: "arm64",
    ppc64le: "ppc64le",
    s390x: "s390x",
  };
  return known[unameArch] ?? unameArch;
}
