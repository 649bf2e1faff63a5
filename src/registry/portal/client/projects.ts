/**
 * The projects page (with search) and a project's page of repositories. Counts, sizes, last pushes
 * and the search itself are the server's (the policy service reads the storage), paged by `n`/`last`.
 */
import type { PortalMe } from "../me.js";
import {
  catalogPath,
  formatSize,
  formatTime,
  matches,
  nextLast,
  repositoryRows,
  roleLabel,
  routeHash,
  type RepositoryRow,
} from "../page.js";
import { get } from "./api.js";
import { h, show } from "./dom.js";

/** One page of a project's repositories (matching `q`), the `last` of the next page ("" at the end), the total. */
export async function repositories(
  project: string,
  last: string,
  q = "",
  n?: number,
  figures = false,
): Promise<{
  rows: RepositoryRow[];
  next: string;
  total: number;
  project?: { repositories: number; size: number };
}> {
  const path = catalogPath(project, last, n, q) + (figures ? "&project=1" : "");
  const r = await get(path, `repositories of ${project}`);
  const body = (await r.json()) as { total?: unknown; project?: { repositories?: unknown; size?: unknown } };
  const total = typeof body.total === "number" ? body.total : NaN;
  const p = body.project;
  return {
    rows: repositoryRows(body, project),
    next: nextLast(r.headers.get("Link"), project, last),
    total,
    ...(p !== undefined
      ? { project: { repositories: Number(p.repositories ?? NaN), size: Number(p.size ?? NaN) } }
      : {}),
  };
}

const count = (n: number): string => (Number.isFinite(n) ? String(n) : "?");

export async function projectsPage(main: HTMLElement, me: PortalMe, q: string): Promise<void> {
  const projects = me.projects.filter((p) => q === "" || matches(p.name, q));
  const figures: [string, HTMLElement, HTMLElement][] = [];
  const table = h(
    "table",
    { "data-testid": "projects" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "Project"),
        h("th", {}, "Access"),
        h("th", {}, "Your role"),
        h("th", {}, "Repositories"),
        h("th", {}, "Size"),
      ),
    ),
    h(
      "tbody",
      {},
      ...projects.map((p) => {
        const repos = h("td", { "data-testid": "repository-count" }, "…");
        const size = h("td", { "data-testid": "project-size" }, "…");
        figures.push([p.name, repos, size]);
        return h(
          "tr",
          { "data-testid": `project-${p.name}` },
          h("td", {}, h("a", { href: routeHash({ page: "project", project: p.name, last: "" }) }, p.name)),
          h("td", {}, p.public ? "public" : "private"),
          h("td", {}, roleLabel(me, p)),
          repos,
          size,
        );
      }),
    ),
  );
  show(
    main,
    h("h1", {}, q === "" ? "Projects" : "Search"),
    me.user === "" ? h("p", { class: "note" }, "Signed out: public projects only.") : null,
    projects.length === 0 ? h("p", {}, "No project matches.") : table,
    h("p", { class: "note" }, "Size: unique blob bytes (each layer, config and manifest counted once)."),
  );
  // The figures after the page is drawn: one request per project, not awaited.
  void Promise.all(
    figures.map(async ([name, repos, size]) => {
      try {
        const f = (await repositories(name, "", "", 1, true)).project;
        repos.textContent = count(f?.repositories ?? NaN);
        size.textContent = formatSize(f?.size ?? NaN);
      } catch {
        repos.textContent = "?";
        size.textContent = "?";
      }
    }),
  );
  if (q === "") return;
  // Repository names: searched by the server in every project the visitor sees, each through the same authorization.
  const found = h("ul", { "data-testid": "search-repositories" });
  main.append(h("h2", {}, "Repositories"), found);
  for (const p of me.projects) {
    const { rows, total } = await repositories(p.name, "", q);
    for (const r of rows)
      found.append(
        h("li", {}, h("a", { href: routeHash({ page: "repository", repository: r.name }) }, r.name)),
      );
    if (total > rows.length)
      found.append(
        h(
          "li",
          {},
          h(
            "a",
            { href: routeHash({ page: "project", project: p.name, last: "", q }) },
            `All ${count(total)} matches in ${p.name}`,
          ),
        ),
      );
  }
  if (found.childElementCount === 0) found.append(h("li", {}, "No repository matches."));
}

export async function projectPage(main: HTMLElement, project: string, last: string, q = ""): Promise<void> {
  show(main, h("h1", {}, project), h("p", { class: "status", "aria-live": "polite" }, "Loading…"));
  const { rows, next, total } = await repositories(project, last, q);
  show(
    main,
    h("h1", {}, project),
    h(
      "p",
      { class: "note", "data-testid": "repository-total" },
      q === "" ? `${count(total)} repositories` : `${count(total)} repositories match “${q}”`,
    ),
    h(
      "table",
      { "data-testid": "repositories" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Repository"),
          h("th", {}, "Tags"),
          h("th", {}, "Last push"),
          h("th", {}, "Size"),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, h("a", { href: routeHash({ page: "repository", repository: r.name }) }, r.name)),
            h("td", {}, count(r.tags)),
            h("td", {}, formatTime(r.pushed)),
            h("td", {}, formatSize(r.size)),
          ),
        ),
      ),
    ),
    h(
      "nav",
      { class: "pages", "aria-label": "pages" },
      last !== ""
        ? h("a", { href: routeHash({ page: "project", project, last: "", q }) }, "First page")
        : null,
      next !== ""
        ? h(
            "a",
            { href: routeHash({ page: "project", project, last: next, q }), "data-testid": "next-page" },
            "Next page",
          )
        : null,
    ),
  );
}
