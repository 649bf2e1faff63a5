/**
 * Reads Distribution 2.8's filesystem storage (mounted read-only in the policy container): where a tag
 * points, every tag of a repository, what a project's manifests hold, the size of an upload in
 * progress. The layout is the storage driver's (registry/storage/paths.go):
 *   repositories/<name>/_manifests/tags/<tag>/current/link      -> sha256:<hex>
 *   repositories/<name>/_manifests/revisions/sha256/<hex>/link
 *   repositories/<name>/_uploads/<id>/data
 *   blobs/sha256/<hh>/<hex>/data
 * Anything that cannot be read throws StorageError: the caller refuses rather than guess.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { manifestDescriptors, type Descriptor } from "./manifest.js";

export class StorageError extends Error {}

/** Manifests larger than Distribution accepts are no manifests. */
const MANIFEST_MAX = 4 * 1024 * 1024;

function missing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === "ENOENT";
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StorageError) throw e;
    throw new StorageError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export class Storage {
  /** `root` is the registry's root directory (`/var/lib/registry`). */
  constructor(private readonly root: string) {}

  private get v2(): string {
    return join(this.root, "docker/registry/v2");
  }

  private repo(name: string): string {
    return join(this.v2, "repositories", name);
  }

  /** The digest `tag` points to, or null when the repository has no such tag. */
  tagDigest(repository: string, tag: string): string | null {
    const link = join(this.repo(repository), "_manifests/tags", tag, "current/link");
    try {
      return readFileSync(link, "utf8").trim();
    } catch (e) {
      if (missing(e)) return null;
      throw new StorageError(`${link}: ${(e as Error).message}`);
    }
  }

  /** Every tag of a repository with its digest (none when the repository does not exist). */
  tags(repository: string): [string, string][] {
    const dir = join(this.repo(repository), "_manifests/tags");
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      if (missing(e)) return [];
      throw new StorageError(`${dir}: ${(e as Error).message}`);
    }
    return names.flatMap((t) => {
      const d = this.tagDigest(repository, t);
      return d === null ? [] : [[t, d] as [string, string]];
    });
  }

  /** The repositories under a project (a repository is a folder holding `_manifests`). */
  repositories(project: string): string[] {
    const out: string[] = [];
    const walk = (name: string): void => {
      const entries = wrap(name, () => readdirSync(this.repo(name), { withFileTypes: true }));
      if (entries.some((e) => e.name === "_manifests")) out.push(name);
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith("_")) walk(`${name}/${e.name}`);
    };
    try {
      statSync(this.repo(project));
    } catch (e) {
      if (missing(e)) return [];
      throw new StorageError(`${this.repo(project)}: ${(e as Error).message}`);
    }
    walk(project);
    return out;
  }

  /** The bytes of a blob in the blob store. */
  blob(digest: string): Buffer {
    const hex = digest.replace(/^sha256:/, "");
    const path = join(this.v2, "blobs/sha256", hex.slice(0, 2), hex, "data");
    return wrap(path, () => {
      if (statSync(path).size > MANIFEST_MAX)
        throw new StorageError(`${path}: larger than a manifest may be`);
      return readFileSync(path);
    });
  }

  /**
   * Every piece of content a project's manifests hold, by digest: the manifests themselves and what
   * they reference (Harbor counts a project's usage this way: each blob once, however many
   * repositories or tags share it). Uploads no manifest references are not counted.
   */
  projectContent(project: string): Map<string, number> {
    const content = new Map<string, number>();
    const read = new Set<string>();
    for (const repo of this.repositories(project)) this.addContent(repo, content, read);
    return content;
  }

  /** The same for one repository (its manifests and what they reference, each blob once). */
  repositoryContent(repository: string): Map<string, number> {
    const content = new Map<string, number>();
    this.addContent(repository, content, new Set());
    return content;
  }

  private revisions(repo: string): string[] {
    const dir = join(this.repo(repo), "_manifests/revisions/sha256");
    try {
      return readdirSync(dir);
    } catch (e) {
      if (missing(e)) return [];
      throw new StorageError(`${dir}: ${(e as Error).message}`);
    }
  }

  private addContent(repo: string, content: Map<string, number>, read: Set<string>): void {
    for (const hex of this.revisions(repo)) {
      const digest = `sha256:${hex}`;
      // An index's child is listed as content of the index and read again here for its own.
      if (read.has(digest)) continue;
      read.add(digest);
      const body = this.blob(digest);
      content.set(digest, body.length);
      let refs: Descriptor[];
      try {
        refs = manifestDescriptors(body.toString("utf8"));
      } catch (e) {
        throw new StorageError(`manifest ${digest} of ${repo}: ${(e as Error).message}`);
      }
      for (const d of refs) if (!content.has(d.digest)) content.set(d.digest, d.size);
    }
  }

  /**
   * When a repository last received a manifest or a tag moved (ms since the epoch; 0 when it has
   * none): the newest of Distribution's revision and tag links, which it writes on every push.
   */
  lastPush(repository: string): number {
    const manifests = join(this.repo(repository), "_manifests");
    const mtime = (path: string): number =>
      wrap(path, () => {
        try {
          return statSync(path).mtimeMs;
        } catch (e) {
          if (missing(e)) return 0;
          throw e;
        }
      });
    const tags = wrap(manifests, () => {
      try {
        return readdirSync(join(manifests, "tags"));
      } catch (e) {
        if (missing(e)) return [];
        throw e;
      }
    });
    return Math.max(
      0,
      ...this.revisions(repository).map((hex) => mtime(join(manifests, "revisions/sha256", hex, "link"))),
      ...tags.map((t) => mtime(join(manifests, "tags", t, "current/link"))),
    );
  }

  /** The bytes an upload in progress holds so far, or null when there is no such upload. */
  uploadSize(repository: string, id: string): number | null {
    const path = join(this.repo(repository), "_uploads", id, "data");
    try {
      return statSync(path).size;
    } catch (e) {
      if (missing(e)) return null;
      throw new StorageError(`${path}: ${(e as Error).message}`);
    }
  }
}
