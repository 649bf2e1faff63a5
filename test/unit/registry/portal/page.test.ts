import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  catalogPath,
  formatSize,
  matches,
  nextLast,
  parseRoute,
  pathAfter,
  pageOf,
  pullCommand,
  routeHash,
} from "../../../../src/registry/portal/page.js";

describe("portal page model", () => {
  it("reads routes from the fragment and writes them back; anything else is the projects page", () => {
    assert.deepEqual(parseRoute("#/r/team/app/api"), { page: "repository", repository: "team/app/api" });
    assert.deepEqual(parseRoute("#/p/team?last=team%2Fapp"), {
      page: "project",
      project: "team",
      last: "team/app",
    });
    assert.deepEqual(parseRoute("#/p/team?last=other%2Fapp"), { page: "project", project: "team", last: "" });
    assert.deepEqual(parseRoute("#/?q=a%20b"), { page: "projects", q: "a b" });
    for (const hostile of [
      "#/r/<img src=x onerror=alert(1)>/x",
      "#/p/../../etc",
      "#javascript:alert(1)",
      "#/r/team",
      "#/audit/x",
    ])
      assert.equal(parseRoute(hostile).page, "projects", hostile);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseRoute(s);
        assert.deepEqual(parseRoute(routeHash(r)), r, "a route survives its own link");
      }),
      { numRuns: 2000 },
    );
  });

  it("follows a next-page link only on the project's own catalog path, forward, to a name of the project", () => {
    const link = (u: string) => `<${u}>; rel="next"`;
    assert.equal(nextLast(link("/ops/portal/catalog/team?n=100&last=team%2Fb"), "team", "team/a"), "team/b");
    assert.equal(nextLast(link("/ops/portal/catalog/team?n=100&last=team%2Fb"), "team", ""), "team/b");
    assert.equal(nextLast(null, "team", ""), "");
    assert.equal(
      nextLast(link("https://evil.example/ops/portal/catalog/team?last=team%2Fb"), "team", ""),
      "",
    );
    assert.equal(
      nextLast(link("/ops/portal/catalog/other?last=other%2Fb"), "team", ""),
      "",
      "another project's path",
    );
    assert.equal(
      nextLast(link("/ops/portal/catalog/team?last=other%2Fb"), "team", ""),
      "",
      "another project's name",
    );
    assert.equal(
      nextLast(link("/ops/portal/catalog/team?last=team%2Fa"), "team", "team/b"),
      "",
      "backwards: a loop",
    );
    assert.equal(nextLast('<//evil.example/x>; rel="next"', "team", ""), "");
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const got = nextLast(s, "team", "team/m");
        assert.ok(got === "" || (got.startsWith("team/") && pathAfter(got, "team/m")));
      }),
      { numRuns: 2000 },
    );
    assert.equal(catalogPath("team", ""), "/ops/portal/catalog/team?n=100");
    assert.equal(catalogPath("team", "team/a b"), "/ops/portal/catalog/team?n=100&last=team%2Fa%20b");
  });

  it("orders names as the registry's catalog walks folders: '/' before any other character", () => {
    assert.equal(pathAfter("team/a-x", "team/a/b"), true);
    assert.equal(pathAfter("team/a/b", "team/a-x"), false);
    assert.equal(pathAfter("team/b", "team/a"), true);
  });

  it("pages names in the catalog's order by n/last, searching all of them (not only the first page)", () => {
    const all = Array.from({ length: 250 }, (_, i) => `team/repo-${String(i).padStart(3, "0")}`);
    assert.deepEqual(pageOf(["t/b", "t/a-x", "t/a/b"], { q: "", last: "", n: 10 }).names, [
      "t/a/b",
      "t/a-x",
      "t/b",
    ]);
    const found = pageOf(all, { q: "repo-24", last: "", n: 100 });
    assert.deepEqual(found, {
      names: Array.from({ length: 10 }, (_, i) => `team/repo-24${i}`),
      next: "",
      total: 10,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^t\/[a-z]{1,2}(?:[-/][a-z]{1,2})?$/), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom("", "a", "b a"),
        (names, n, q) => {
          // Walking every page by `next` yields each match exactly once, in order.
          const seen: string[] = [];
          let last = "";
          for (let i = 0; i < 50; i++) {
            const p = pageOf(names, { q, last, n });
            assert.ok(p.names.length <= n);
            seen.push(...p.names);
            if (p.next === "") break;
            last = p.next;
          }
          const want = names.filter((x) => matches(x, q));
          assert.deepEqual([...seen].sort(), [...want].sort());
          assert.equal(new Set(seen).size, seen.length);
          for (let i = 1; i < seen.length; i++) assert.ok(pathAfter(seen[i] ?? "", seen[i - 1] ?? ""));
        },
      ),
    );
  });

  it("writes the exact pull command, and none for what is not a repository and a tag or digest", () => {
    const d = `sha256:${"a".repeat(64)}`;
    assert.equal(pullCommand("registry.lan", "team/app", "v1"), "docker pull registry.lan/team/app:v1");
    assert.equal(
      pullCommand("registry.lan:5000", "team/app", d),
      `docker pull registry.lan:5000/team/app@${d}`,
    );
    assert.equal(pullCommand("registry.lan", "team/app", "v1;rm -rf /"), "");
    assert.equal(pullCommand("registry.lan", "Team/app", "v1"), "");
  });

  it("searches by every word, case-insensitively; sizes read as people read them", () => {
    assert.equal(matches("team/backend-api", "API team"), true);
    assert.equal(matches("team/backend-api", "web"), false);
    assert.equal(matches("x", "   "), true);
    assert.equal(formatSize(0), "0 B");
    assert.equal(formatSize(1536), "1.5 KiB");
    assert.equal(formatSize(3 * 1024 ** 3), "3.0 GiB");
    assert.equal(formatSize(-1), "?");
  });
});
