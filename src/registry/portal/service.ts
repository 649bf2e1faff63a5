/**
 * The portal's routes in the policy service (the decision point beside nginx, which only nginx
 * reaches): sessions, and a project's page of the registry's catalog. nginx has judged each request
 * before it comes here: a session is issued only for an account nginx verified (X-Ops-User), and
 * `/portal/catalog/<project>` only after the roles allowed a pull in that project.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isRepository } from "../parse.js";
import { catalogBase, projectPage, REPOS_PER_PAGE } from "./page.js";
import { cookieValue, setCookie, type Sessions } from "./session.js";

/** Reads one page of the registry's own catalog: `/v2/_catalog?n=&last=` (the service's view, all projects). */
export type CatalogReader = (n: number, last: string) => Promise<{ repositories: string[]; next: string }>;

/**
 * The registry's own catalog over the compose network (`http://registry:5000`), one page.
 *
 * @example await registryCatalog({ host: "registry", port: 5000 })(100, "team/")
 */
export function registryCatalog(registry: { readonly host: string; readonly port: number }): CatalogReader {
  return async (n, last) => {
    const r = await fetch(
      `http://${registry.host}:${registry.port}/v2/_catalog?n=${n}&last=${encodeURIComponent(last)}`,
    );
    if (!r.ok) throw new Error(`the registry's catalog answered ${r.status}`);
    const body = (await r.json()) as { repositories?: unknown };
    const names = Array.isArray(body.repositories)
      ? body.repositories.filter((x): x is string => typeof x === "string")
      : [];
    const next = /[?&]last=([^&>]+)/.exec(r.headers.get("link") ?? "")?.[1];
    return { repositories: names, next: next === undefined ? "" : decodeURIComponent(next) };
  };
}

const PROJECT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_N = 1000;

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}, body = ""): void {
  res.writeHead(status, body === "" ? headers : { "content-type": "application/json", ...headers });
  res.end(body);
}

/**
 * A handler the policy service calls first; true when the request was the portal's.
 *
 * @example if (await portal(req, res)) return;
 */
export function portalRoutes(sessions: Sessions, catalog: CatalogReader) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://policy.invalid");
    const method = req.method ?? "";
    if (url.pathname === "/session/issue" && method === "POST") {
      const user = String(req.headers["x-ops-user"] ?? "");
      if (user === "") answer(res, 401);
      else answer(res, 204, { "set-cookie": setCookie(sessions.issue(user)), "cache-control": "no-store" });
      return true;
    }
    if (url.pathname === "/session/check" && method === "GET") {
      const s = sessions.check(cookieValue(req.headers.cookie));
      answer(res, s === null ? 401 : 204, s === null ? {} : { "x-ops-user": s.user });
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
    if (!PROJECT.test(project) || (last !== "" && !(last.startsWith(`${project}/`) && isRepository(last)))) {
      answer(
        res,
        400,
        {},
        `${JSON.stringify({ errors: [{ code: "NAME_INVALID", message: "invalid project or last" }] })}\n`,
      );
      return true;
    }
    const page = await catalog(n, last === "" ? `${project}/` : last);
    const cut = projectPage(page.repositories, project, page.next);
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (cut.last !== "")
      headers.link = `<${catalogBase(project)}?n=${n}&last=${encodeURIComponent(cut.last)}>; rel="next"`;
    answer(res, 200, headers, `${JSON.stringify({ repositories: cut.repositories })}\n`);
    return true;
  };
}
