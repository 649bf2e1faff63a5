/**
 * How nginx classifies a request path, as data: the patterns nginx.conf.ejs writes into the maps of
 * `$ops_kind`, `$ops_repository` and `$ops_reference`. They are Distribution 2.8's route regexps
 * (registry/api/v2/descriptors.go: reference.NameRegexp, TagRegexp, go-digest's DigestRegexp and the
 * upload uuid), anchored at both ends, so a repository named `x/blobs/uploads/y` is the same
 * repository to nginx as to the registry, and a path no route matches is `deny`. Two deliberate
 * narrowings: a repository needs a project (two components or more), and its name is what our
 * projects' names allow (lowercase, no registry host part); anything else is refused.
 *
 * The name component is `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`: the same language as Distribution's
 * `(?:[._]|__|[-]*)` but without an empty separator, so no nested quantifier can backtrack
 * exponentially on a hostile path.
 */

/** What a request is, as nginx names it (see `$ops_kind`). */
export type RequestKind =
  | "base"
  | "catalog"
  | "audit"
  | "token"
  | "me"
  | "projectcatalog"
  | "session"
  | "tags"
  | "manifest"
  | "blob"
  | "upload"
  | "referrers"
  | "deny";

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/** A repository: `project/name[/more]`. */
export const NAME = `${COMPONENT}(?:/${COMPONENT})+`;
export const TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
export const DIGEST = "[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+";
const UUID = "[a-zA-Z0-9_.=-]+";
/** The end of the path: the query, if any, is another map's business. */
const END = "(?:\\?|$)";

export interface Route {
  readonly kind: RequestKind;
  /** PCRE for `$request_uri`; group 1 is the repository, group 2 the reference (when there is one). */
  readonly pattern: string;
  /** Group 2 is a manifest or blob reference worth logging. */
  readonly reference: boolean;
}

/** Order does not matter for these (no path matches two of them), but it is Distribution's. */
export const ROUTES: readonly Route[] = [
  { kind: "base", pattern: `^/v2/${END}`, reference: false },
  { kind: "tags", pattern: `^/v2/(${NAME})/tags/list${END}`, reference: false },
  { kind: "manifest", pattern: `^/v2/(${NAME})/manifests/(${TAG}|${DIGEST})${END}`, reference: true },
  { kind: "blob", pattern: `^/v2/(${NAME})/blobs/(${DIGEST})${END}`, reference: true },
  { kind: "upload", pattern: `^/v2/(${NAME})/blobs/uploads/(?:${UUID})?${END}`, reference: false },
  { kind: "catalog", pattern: `^/v2/_catalog${END}`, reference: false },
  // OCI 1.1's referrers API, which Distribution 2.8 does not have: nginx answers 404 itself.
  { kind: "referrers", pattern: `^/v2/(${NAME})/referrers/(${DIGEST})${END}`, reference: true },
  // The log, the folder's listing (`/ops/audit/`) and a rotated file (`/ops/audit/3`: audit.log.3).
  { kind: "audit", pattern: `^/ops/audit(?:/(?:[1-9][0-9]?)?)?${END}`, reference: false },
  { kind: "token", pattern: `^/ops/token${END}`, reference: false },
  // The portal's "who am I" (portal/me.ts): anyone may ask, as the token endpoint.
  { kind: "me", pattern: `^/ops/portal/me${END}`, reference: false },
  // The portal's page of one project's repositories: a pull in that project (group 1 is the project).
  // The portal's sign-in and sign-out.
  { kind: "session", pattern: `^/ops/session(?:/end)?${END}`, reference: false },
  { kind: "projectcatalog", pattern: `^/ops/portal/catalog/(${COMPONENT})${END}`, reference: false },
];

/** The refusing value of `$ops_kind`: what any path no route matches is. */
export const UNMATCHED: RequestKind = "deny";
