/**
 * Distribution 2.8's routes as the registry matches them (registry/api/v2/descriptors.go with
 * gorilla/mux: each route's path regexp anchored at both ends, matched on the path), transcribed
 * from its source: reference.NameRegexp (an optional registry host, then components separated by
 * `[._]`, `__` or any run of `-`), reference.TagRegexp and go-digest's DigestRegexp. The reference
 * that nginx's classification is tested against, so it is written from the source, not from ours.
 */
const alnum = "[a-z0-9]+";
// Distribution writes `(?:[._]|__|[-]*)`; its empty alternative only splits a run of [a-z0-9], so
// `-+` names the same language, and JS's backtracking (unlike Go's automaton) stays linear with it.
const separator = "(?:[._]|__|-+)";
const component = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const name = `(?:${domain}/)?${component}(?:/${component})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+";

export type DistributionRoute = "base" | "tags" | "manifest" | "blob" | "upload" | "catalog";

const ROUTES: readonly [DistributionRoute, RegExp][] = [
  ["base", /^\/v2\/$/],
  ["tags", new RegExp(`^/v2/(${name})/tags/list$`)],
  ["manifest", new RegExp(`^/v2/(${name})/manifests/(${tag}|${digest})$`)],
  ["blob", new RegExp(`^/v2/(${name})/blobs/(${digest})$`)],
  ["upload", new RegExp(`^/v2/(${name})/blobs/uploads/$`)],
  ["upload", new RegExp(`^/v2/(${name})/blobs/uploads/([a-zA-Z0-9-_.=]+)$`)],
  ["catalog", /^\/v2\/_catalog$/],
];

export interface DistributionMatch {
  readonly route: DistributionRoute;
  /** The repository name the handler gets ("" for base and catalog). */
  readonly name: string;
}

/** The route the registry serves `path` (no query) with, or null (its 404). */
export function distributionRoute(path: string): DistributionMatch | null {
  for (const [route, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { route, name: m[1] ?? "" };
  }
  return null;
}
