/** The projects page (with search) and a project's page of repositories, paged by the server (`n`/`last`). */
import type { PortalMe } from "../me.js";
import { catalogPath, matches, nextLast, roleLabel, routeHash } from "../page.js";
import { isRepository } from "../../parse.js";
import { get } from "./api.js";
import { h, show } from "./dom.js";

/** One page of a project's repositories and the `last` of the next, "" when it is the last page. */
export async function repositories(
  project: string,
  last: string,
): Promise<{ names: string[]; next: string }> {
  const r = await get(catalogPath(project, last), `repositories of ${project}`);
  const body = (await r.json()) as { repositories?: unknown };
  const names = Array.isArray(body.repositories)
    ? body.repositories.filter(
        (n): n is string => typeof n === "string" && isRepository(n) && n.startsWith(`${project}/`),
      )
    : [];
  return { names, next: nextLast(r.headers.get("Link"), project, last) };
}

export async function projectsPage(main: HTMLElement, me: PortalMe, q: string): Promise<void> {
  const projects = me.projects.filter((p) => q === "" || matches(p.name, q));
  const table = h(
    "table",
    { "data-testid": "projects" },
    h("thead", {}, h("tr", {}, h("th", {}, "Project"), h("th", {}, "Access"), h("th", {}, "Your role"))),
    h(
      "tbody",
      {},
      ...projects.map((p) =>
        h(
          "tr",
          { "data-testid": `project-${p.name}` },
          h("td", {}, h("a", { href: routeHash({ page: "project", project: p.name, last: "" }) }, p.name)),
          h("td", {}, p.public ? "public" : "private"),
          h("td", {}, roleLabel(me, p)),
        ),
      ),
    ),
  );
  show(
    main,
    h("h1", {}, q === "" ? "Projects" : "Search"),
    me.user === "" ? h("p", { class: "note" }, "Signed out: public projects only.") : null,
    projects.length === 0 ? h("p", {}, "No project matches.") : table,
  );
  if (q === "") return;
  // Repository names: the first page of each project the visitor sees, through the same authorization.
  const found = h("ul", { "data-testid": "search-repositories" });
  main.append(h("h2", {}, "Repositories"), found);
  for (const p of me.projects) {
    const { names } = await repositories(p.name, "");
    for (const n of names.filter((x) => matches(x, q)))
      found.append(h("li", {}, h("a", { href: routeHash({ page: "repository", repository: n }) }, n)));
  }
  if (found.childElementCount === 0) found.append(h("li", {}, "No repository matches."));
}

export async function projectPage(main: HTMLElement, project: string, last: string): Promise<void> {
  show(main, h("h1", {}, project), h("p", { class: "status", "aria-live": "polite" }, "Loading…"));
  const { names, next } = await repositories(project, last);
  const counts = new Map<string, HTMLElement>();
  show(
    main,
    h("h1", {}, project),
    h(
      "table",
      { "data-testid": "repositories" },
      h("thead", {}, h("tr", {}, h("th", {}, "Repository"), h("th", {}, "Tags"))),
      h(
        "tbody",
        {},
        ...names.map((n) => {
          const cell = h("td", {}, "…");
          counts.set(n, cell);
          return h(
            "tr",
            {},
            h("td", {}, h("a", { href: routeHash({ page: "repository", repository: n }) }, n)),
            cell,
          );
        }),
      ),
    ),
    h(
      "nav",
      { class: "pages", "aria-label": "pages" },
      last !== "" ? h("a", { href: routeHash({ page: "project", project, last: "" }) }, "First page") : null,
      next !== ""
        ? h(
            "a",
            { href: routeHash({ page: "project", project, last: next }), "data-testid": "next-page" },
            "Next page",
          )
        : null,
    ),
  );
  // Tag counts after the page is drawn, a few at a time, not awaited: the list itself is one request.
  void tagCounts([...counts]);
}

async function tagCounts(queue: [string, HTMLElement][]): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const [repo, cell] = item;
      if (!cell.isConnected) continue; // the visitor moved on
      try {
        const body = (await (await get(`/v2/${repo}/tags/list?n=1000`, "tags")).json()) as { tags?: unknown };
        cell.textContent = String(Array.isArray(body.tags) ? body.tags.length : 0);
      } catch {
        cell.textContent = "?";
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
