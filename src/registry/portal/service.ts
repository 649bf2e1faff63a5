/**
 * The portal's routes in the policy service (the decision point beside nginx, which only nginx
 * reaches): sessions, and a project's page of repositories. nginx has judged each request before it
 * comes here: a session is issued only for an account nginx verified (X-Ops-User), and
 * `/portal/catalog/<project>` only after the roles allowed a pull in that project.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isRepository } from "../parse.js";
import { catalogPath, pageOf, REPOS_PER_PAGE } from "./page.js";
import type { PortalStore } from "./store.js";
import { cookieValue, setCookie, type Sessions } from "./session.js";

/** The accounts' grants now (grants.ts); throws when the file cannot be read (the service answers 500). */
export type GrantsReader = () => ReadonlyMap<string, string>;

const PROJECT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_N = 1000;
/** A search longer than any repository name finds nothing; refuse it rather than scan for it. */
const MAX_Q = 256;

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}, body = ""): void {
  res.writeHead(status, body === "" ? headers : { "content-type": "application/json", ...headers });
  res.end(body);
}

const invalid = (res: ServerResponse, message: string): void =>
  answer(res, 400, {}, `${JSON.stringify({ errors: [{ code: "NAME_INVALID", message }] })}\n`);

/** The live session's account (its grants unchanged since sign-in), or null; throws when grants are unreadable. */
function sessionUser(sessions: Sessions, grants: GrantsReader, cookie: string | undefined): string | null {
  const s = sessions.check(cookieValue(cookie));
  if (s === null) return null;
  return grants().get(s.user) === s.grants ? s.user : null;
}

/**
 * A handler the policy service calls first; true when the request was the portal's.
 *
 * @example if (await portal(req, res)) return;
 */
export function portalRoutes(sessions: Sessions, store: PortalStore, grants: GrantsReader) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://policy.invalid");
    const method = req.method ?? "";
    try {
      return route(url, method, req, res);
    } catch (e) {
      // Whatever could not be read (grants, storage) is an error, never an answer.
      answer(res, 500, {}, `${JSON.stringify({ errors: [{ code: "UNKNOWN", message: String(e) }] })}\n`);
      return true;
    }
  };

  function route(url: URL, method: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (url.pathname === "/session/issue" && method === "POST") {
      const user = String(req.headers["x-ops-user"] ?? "");
      const g = user === "" ? undefined : grants().get(user);
      if (g === undefined) answer(res, 401);
      else
        answer(res, 204, { "set-cookie": setCookie(sessions.issue(user, g)), "cache-control": "no-store" });
      return true;
    }
    if (url.pathname === "/session/check" && method === "GET") {
      const user = sessionUser(sessions, grants, req.headers.cookie);
      answer(res, user === null ? 401 : 204, user === null ? {} : { "x-ops-user": user });
      return true;
    }
    if (url.pathname === "/session/end" && method === "POST") {
      sessions.end(cookieValue(req.headers.cookie));
      answer(res, 204, { "set-cookie": setCookie(""), "cache-control": "no-store" });
      return true;
    }
    const m = /^\/portal\/catalog\/([^/]+)$/.exec(url.pathname);
    if (m?.[1] === undefined || method !== "GET") return false;
    const project = m[1];
    const n = Math.min(
      MAX_N,
      Math.max(1, Number(url.searchParams.get("n") ?? REPOS_PER_PAGE) || REPOS_PER_PAGE),
    );
    const last = url.searchParams.get("last") ?? "";
    const q = url.searchParams.get("q") ?? "";
    if (!PROJECT.test(project) || (last !== "" && !(last.startsWith(`${project}/`) && isRepository(last)))) {
      invalid(res, "invalid project or last");
      return true;
    }
    if (q.length > MAX_Q) {
      invalid(res, `a search is at most ${MAX_Q} characters`);
      return true;
    }
    const page = pageOf(store.repositories(project), { q, last, n });
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (page.next !== "") headers.link = `<${catalogPath(project, page.next, n, q)}>; rel="next"`;
    const body = {
      repositories: page.names.map((name) => store.row(name)),
      total: page.total,
      // The project's own figures, when asked (the projects page): every blob once, as its quota counts.
      ...(url.searchParams.get("project") === "1" ? { project: store.project(project) } : {}),
    };
    answer(res, 200, headers, `${JSON.stringify(body)}\n`);
    return true;
  }
}
