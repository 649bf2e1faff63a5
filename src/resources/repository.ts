/**
 * A package repository declared in the host family's own format (a `.repo` file for dnf/yum, a
 * deb822 `.sources` file with `Signed-By:` for apt), converged like any file: by checksum, written
 * atomically, root-owned 0644. Its sources are checked against the verified key file the
 * `signingKey` resource wrote, so list that resource first.
 */
import { familyNamed } from "../packages/index.js";
import type { RepositorySource } from "../packages/family.js";
import type { OnHost } from "../packages/host-facts.js";
import { file } from "./file.js";
import { fail, type Resource } from "./resource.js";

export interface RepositoryOptions {
  readonly on: OnHost;
  /** The file's base name: "docker-ce". */
  readonly name: string;
  readonly sources: readonly RepositorySource[];
  /** The verified key file (signingKey's path). */
  readonly keyPath: string;
  readonly notify?: readonly string[];
}

/**
 * @example repository({ on: host, name: "docker-ce", keyPath: "/etc/pki/rpm-gpg/docker-ce.gpg",
 *   sources: [{ id: "docker-ce-stable", name: "Docker CE Stable - $basearch", url: "https://download.docker.com/linux/centos/9/$basearch/stable" }] })
 */
export function repository(o: RepositoryOptions): Resource {
  const system = o.on.facts.packages;
  const family = system ? familyNamed(system.family) : undefined;
  if (!family) {
    const why = `no package family ops knows on this host, so repository ${o.name} cannot be declared`;
    return { id: `repository:${o.name}`, facts: [], plan: () => fail(why) };
  }
  let made: { path: string; content: string };
  try {
    made = family.repositoryFile({ name: o.name, sources: o.sources, keyPath: o.keyPath }, o.on.facts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { id: `repository:${o.name}`, facts: [], plan: () => fail(why) };
  }
  const inner = file({
    path: made.path,
    content: made.content,
    mode: "0644",
    owner: "root",
    group: "root",
    ...(o.notify ? { notify: o.notify } : {}),
  });
  return { ...inner, id: `repository:${made.path}` };
}
