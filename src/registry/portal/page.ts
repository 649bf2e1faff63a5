/**
 * The portal's page model: where the page is (the URL fragment), what a visitor may see and do
 * there, how lists page, and the text the page shows. Pure and DOM-free: the browser code
 * (client/) only draws what these functions return, and the unit tests read them directly.
 */
import { humanBytes } from "../../text/bytes.js";
import { isDigest, isRepository, isTag } from "../parse.js";
import type { PortalMe, PortalProject } from "./me.js";

/** Repositories asked for per page of a project (the catalog's `n`). */
export const REPOS_PER_PAGE = 100;

export type Route =
  | { readonly page: "projects"; readonly q: string }
  | { readonly page: "project"; readonly project: string; readonly last: string; readonly q?: string }
  | { readonly page: "repository"; readonly repository: string }
  | { readonly page: "audit" }
  | { readonly page: "accounts" }
  | { readonly page: "signin" };

const PROJECT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * The route a fragment names; anything that is not one is the projects page, so a hostile link
 * can only ever open a page the visitor could open anyway.
 *
 * @example parseRoute("#/r/team/app") // { page: "repository", repository: "team/app" }
 */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter((p) => p !== "");
  const home: Route = { page: "projects", q: params.get("q") ?? "" };
  if (parts[0] === "p" && parts.length === 2 && PROJECT.test(parts[1] ?? "")) {
    const last = params.get("last") ?? "";
    const project = parts[1] ?? "";
    const q = params.get("q") ?? "";
    return {
      page: "project",
      project,
      last: last.startsWith(`${project}/`) && isRepository(last) ? last : "",
      ...(q === "" ? {} : { q }),
    };
  }
  if (parts[0] === "r" && parts.length >= 3) {
    const repository = parts.slice(1).join("/");
    return isRepository(repository) ? { page: "repository", repository } : home;
  }
  if (parts[0] === "audit" && parts.length === 1) return { page: "audit" };
  if (parts[0] === "accounts" && parts.length === 1) return { page: "accounts" };
  if (parts[0] === "signin" && parts.length === 1) return { page: "signin" };
  return home;
}

/** @example routeHash({ page: "project", project: "team", last: "" }) === "#/p/team" */
export function routeHash(r: Route): string {
  switch (r.page) {
    case "projects":
      return r.q === "" ? "#/" : `#/?q=${encodeURIComponent(r.q)}`;
    case "project": {
      const query = new URLSearchParams();
      if (r.q !== undefined && r.q !== "") query.set("q", r.q);
      if (r.last !== "") query.set("last", r.last);
      const text = query.toString();
      return `#/p/${r.project}${text === "" ? "" : `?${text}`}`;
    }
    case "repository":
      return `#/r/${r.repository}`;
    default:
      return `#/${r.page}`;
  }
}

/** Links in the header: what the visitor's role opens. */
export function navigation(me: PortalMe): { label: string; hash: string }[] {
  const nav = [{ label: "Projects", hash: "#/" }];
  if (me.admin) nav.push({ label: "Audit log", hash: "#/audit" }, { label: "Accounts", hash: "#/accounts" });
  return nav;
}

/** May the visitor open this route? The server refuses anyway; the page does not offer it. */
export function mayOpen(me: PortalMe, r: Route): boolean {
  if (r.page === "audit" || r.page === "accounts") return me.admin;
  if (r.page === "project") return projectOf(me, r.project) !== undefined || me.admin;
  if (r.page === "repository")
    return mayOpen(me, { page: "project", project: projectName(r.repository), last: "" });
  return true;
}

/** @example projectName("team/app/api") === "team" */
export const projectName = (repository: string): string => repository.split("/", 1)[0] ?? "";

export const projectOf = (me: PortalMe, name: string): PortalProject | undefined =>
  me.projects.find((p) => p.name === name);

/** May the visitor delete tags in this repository (a button, nothing more: nginx decides)? */
export const mayDelete = (me: PortalMe, repository: string): boolean =>
  projectOf(me, projectName(repository))?.delete === true;

/** How a role reads on the page. */
export function roleLabel(me: PortalMe, p: PortalProject): string {
  if (p.role !== null) return p.role;
  if (me.admin) return "system admin";
  return "public";
}

/**
 * Projects and repositories whose name holds every word of the query (case-insensitive).
 *
 * @example matches("team/app", "TEAM app") === true
 */
export function matches(name: string, query: string): boolean {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  const n = name.toLowerCase();
  return words.every((w) => n.includes(w));
}

/** Where the portal reads a project's repositories: nginx authorizes it as a pull in `project`. */
export const catalogBase = (project: string): string => `/ops/portal/catalog/${project}`;

/**
 * The `last` of the next page from a `Link` header (`<...?last=x&n=100>; rel="next"`), or "" when
 * there is none. Only the project's own catalog path is followed, and only a name of the project that
 * moves forward, so a hostile header cannot send the page elsewhere or loop.
 *
 * @example nextLast('</ops/portal/catalog/team?last=team%2Fb&n=100>; rel="next"', "team", "") === "team/b"
 */
export function nextLast(link: string | null, project: string, after: string): string {
  if (link === null) return "";
  const m = /^<([^>]*)>\s*;\s*rel="?next"?/.exec(link.trim());
  if (m?.[1] === undefined) return "";
  let url: URL;
  try {
    url = new URL(m[1], "https://registry.invalid");
  } catch {
    return "";
  }
  if (url.host !== "registry.invalid" || url.pathname !== catalogBase(project)) return "";
  const last = url.searchParams.get("last") ?? "";
  return isRepository(last) && last.startsWith(`${project}/`) && pathAfter(last, after) ? last : "";
}

/**
 * Is `a` after `b` in the catalog's order? Distribution lists repositories as it walks the storage's
 * folders, so `/` sorts before every other character (`team/a/b` comes before `team/a-x`).
 *
 * @example pathAfter("team/a-x", "team/a/b") === true
 */
export function pathAfter(a: string, b: string): boolean {
  const key = (s: string): string => s.replaceAll("/", "\u0000");
  return key(a) > key(b);
}

/** The request for one page of a project's repositories. @example catalogPath("team", "") // "/ops/portal/catalog/team?n=100" */
export function catalogPath(project: string, last: string, n = REPOS_PER_PAGE, q = ""): string {
  const more = (k: string, v: string): string => (v === "" ? "" : `&${k}=${encodeURIComponent(v)}`);
  return `${catalogBase(project)}?n=${n}${more("last", last)}${more("q", q)}`;
}

/** A repository as the portal lists it (computed by the policy service from the storage). */
export interface RepositoryRow {
  readonly name: string;
  readonly tags: number;
  /** Unique blob bytes its manifests hold: manifests, configs, layers, each blob counted once. */
  readonly size: number;
  /** The last push (a manifest or a tag written), ms since the epoch; 0 when unknown. */
  readonly pushed: number;
}

/**
 * One page of names in the catalog's order: those matching `q` (every word, as `matches`), after
 * `last`, at most `n`; `next` is the `last` of the following page, "" when this is the final one.
 *
 * @example pageOf(["t/a", "t/b", "t/c"], { q: "", last: "t/a", n: 1 }) // { names: ["t/b"], next: "t/b", total: 3 }
 */
export function pageOf(
  all: readonly string[],
  { q, last, n }: { readonly q: string; readonly last: string; readonly n: number },
): { names: string[]; next: string; total: number } {
  const found = all.filter((x) => q === "" || matches(x, q)).sort((a, b) => (pathAfter(a, b) ? 1 : -1));
  const rest = last === "" ? found : found.filter((x) => pathAfter(x, last));
  const names = rest.slice(0, n);
  return { names, next: rest.length > n ? (names.at(-1) ?? "") : "", total: found.length };
}

/** The exact command to copy. @example pullCommand("registry.lan", "team/app", "v1") === "docker pull registry.lan/team/app:v1" */
export function pullCommand(host: string, repository: string, reference: string): string {
  const sep = isDigest(reference) ? "@" : ":";
  if (!isRepository(repository) || !(isTag(reference) || isDigest(reference))) return "";
  return `docker pull ${host}/${repository}${sep}${reference}`;
}

/** @example formatSize(1536) === "1.5 KiB" */
export const formatSize = (bytes: number): string =>
  Number.isFinite(bytes) && bytes >= 0 ? humanBytes(bytes) : "?";

/** A push time as the pages show it (UTC, to the minute). @example formatTime(0) === "—" */
export const formatTime = (ms: number): string =>
  Number.isFinite(ms) && ms > 0 ? `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC` : "—";

/**
 * The rows of a catalog answer the page may show: well-formed names of the project only, numbers
 * that are numbers (anything else reads as unknown, never as zero).
 *
 * @example repositoryRows({ repositories: [{ name: "t/a", tags: 1, size: 2, pushed: 3 }] }, "t").length === 1
 */
export function repositoryRows(body: unknown, project: string): RepositoryRow[] {
  const list = (body as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(list)) return [];
  const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : NaN);
  return list.flatMap((r: unknown) => {
    const o = (typeof r === "object" && r !== null ? r : {}) as Record<string, unknown>;
    const name = o.name;
    if (typeof name !== "string" || !isRepository(name) || !name.startsWith(`${project}/`)) return [];
    return [{ name, tags: num(o.tags), size: num(o.size), pushed: num(o.pushed) }];
  });
}

/** @example shortDigest("sha256:abcdef0123456789...") === "sha256:abcdef012345" */
export const shortDigest = (digest: string): string => digest.slice(0, 19);
