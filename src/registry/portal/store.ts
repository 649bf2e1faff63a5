/**
 * What the portal's pages show about repositories, computed in the policy service from the
 * registry's storage (mounted read-only) rather than by the browser: a project's repositories, and
 * per repository its tag count, last push and size. Size is unique blob bytes: the manifests, their
 * configs and layers (and an index's children), each blob counted once within the repository (for
 * a project: once within the project, as its quota counts). Only the page's rows are computed, so a
 * 1,000-repository project costs one folder walk plus the 100 rows shown.
 */
import type { Storage } from "../policy/storage.js";
import type { RepositoryRow } from "./page.js";

export interface ProjectFigures {
  readonly repositories: number;
  /** Unique blob bytes of the whole project. */
  readonly size: number;
}

export interface PortalStore {
  /** The project's repositories, in any order. */
  repositories(project: string): string[];
  row(repository: string): RepositoryRow;
  project(project: string): ProjectFigures;
}

const total = (content: ReadonlyMap<string, number>): number => {
  let sum = 0;
  for (const size of content.values()) sum += size;
  return sum;
};

/** @example storageStore(new Storage("/var/lib/registry")).row("team/app") // { name, tags: 2, size, pushed } */
export function storageStore(storage: Storage): PortalStore {
  return {
    repositories: (project) => storage.repositories(project),
    row: (name) => ({
      name,
      tags: storage.tags(name).length,
      size: total(storage.repositoryContent(name)),
      pushed: Math.round(storage.lastPush(name)),
    }),
    project: (project) => ({
      repositories: storage.repositories(project).length,
      size: total(storage.projectContent(project)),
    }),
  };
}
