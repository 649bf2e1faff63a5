/**
 * The registry portal in a real browser: Debian's Chromium, driven by playwright-core, against the
 * registry `ops run deploy-registry` stands up on a lab host over SSH (nginx with the portal's files,
 * Distribution, the policy service), its certificate checked against the registry's CA (the browser
 * profile's certificate store trusts it; no certificate error is ignored), with content pushed as
 * docker, buildx and cosign push it. Each role sees exactly what nginx lets it do; deletes, forged
 * requests, sign-out, the end of a session when its account leaves the inventory, hostile content
 * and the CSP are judged by what the registry and the browser really do. Screenshots go to
 * docs/images/, figures to the test's output. Run under `flock /tmp/ops-lab.lock`, after `npm run build`.
 */
import { strict as assert } from "node:assert";
import { mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { send } from "../../src/registry/http.js";
import { buildxIndex, cosignSignature, platformImage } from "../unit/registry/support/oci-shapes.js";
import { manifestStatus, pushImage, pushManifest } from "./helpers/oci-push.js";
import {
  cloneRepositories,
  deployPortalLab,
  hostileLogin,
  PORTAL_PASSWORDS,
  who,
  type PortalLab,
  type PortalUser,
} from "./helpers/portal-stack.js";

const IMAGES = "docs/images";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const XSS = `<img src=x onerror="window.__xss=1">`;
const figures: Record<string, string> = {};

describe("registry portal in Chromium", function () {
  this.timeout(600_000);
  let p: PortalLab;
  let browser: Browser;
  const app = buildxIndex("team/multi");
  const sig = cosignSignature(app.index, "team/multi");
  const v1 = platformImage("amd64", "team/app v1");
  const v2 = platformImage("amd64", "team/app v2");

  before(async () => {
    const t0 = Date.now();
    mkdirSync(IMAGES, { recursive: true });
    p = await deployPortalLab();
    figures["setup: fresh host, install-engine, deploy-registry"] =
      `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const dev = who("dev");
    await pushImage(p.ep, dev, "team/app", v1, "v1");
    await pushManifest(p.ep, dev, "team/app", v1.manifest, "stable");
    await pushImage(p.ep, dev, "team/app", v2, "v2");
    for (const img of app.images) await pushImage(p.ep, dev, "team/multi", img);
    await pushManifest(p.ep, dev, "team/multi", app.index, "v1");
    await pushImage(p.ep, dev, "team/multi", sig, sig.tag);
    await pushImage(p.ep, dev, "pub/tool", platformImage("amd64", "pub/tool"), "latest");
    await pushImage(p.ep, who("keeper"), "secret/vault", platformImage("amd64", "secret"), "1.0");
    await pushImage(p.ep, dev, "big/seed", platformImage("amd64", "big"), "latest");
    await cloneRepositories(p.host, "big/seed", "big", 1000);
    assert.equal(await hostileLogin(p.ep, XSS), 401);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
      // Chromium reads the certificates it trusts from $HOME/.pki/nssdb: the registry's CA is there.
      env: { ...process.env, HOME: p.browserHome },
    });
    figures["setup with the pushes and 1,000 repositories"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  });
  after(async () => {
    await browser?.close();
    for (const [k, v] of Object.entries(figures)) console.log(`    figure: ${k}: ${v}`);
  });

  /** A fresh browser context (no cookies) at a width; the registry's certificate is checked against its CA. */
  async function open(viewport = DESKTOP): Promise<{ ctx: BrowserContext; page: Page; console: string[] }> {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const console: string[] = [];
    page.on("console", (m) => console.push(m.text()));
    page.on("dialog", (d) => void d.dismiss().then(() => console.push(`DIALOG ${d.message()}`)));
    return { ctx, page, console };
  }
  const ready = (page: Page) => page.waitForSelector("body[data-ready='1']");
  async function go(page: Page, hash: string): Promise<void> {
    await page.evaluate(() => (document.body.dataset.ready = "0"));
    await page.evaluate((h) => (location.hash = h), hash);
    await ready(page);
  }
  const texts = (page: Page, sel: string) =>
    page.$$eval(sel, (els) => els.map((e) => (e.textContent ?? "").trim()));
  const projects = (page: Page) => texts(page, "[data-testid=projects] tbody tr td:first-child");
  const shot = (page: Page, name: string) => page.screenshot({ path: `${IMAGES}/portal-${name}.png` });

  async function signIn(page: Page, user: PortalUser): Promise<void> {
    await page.goto(`${p.url}/#/signin`);
    await ready(page);
    await page.fill("#user", user);
    await page.fill("#password", PORTAL_PASSWORDS[user]);
    await page.evaluate(() => (document.body.dataset.ready = "0"));
    await page.click("form.signin button[type=submit]");
    await page.waitForSelector("[data-testid=user]");
    await ready(page);
  }
  /** Sign-in with the keyboard alone: Tab to the link, Enter, type, Tab, type, Enter. */
  async function signInByKeyboard(page: Page, user: PortalUser): Promise<void> {
    await page.goto(`${p.url}/`);
    await ready(page);
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "signin")) break;
    }
    await page.keyboard.press("Enter");
    await page.waitForSelector("#user");
    await page.focus("#user");
    await page.keyboard.type(user);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PORTAL_PASSWORDS[user]);
    await page.keyboard.press("Enter");
    await page.waitForSelector("[data-testid=user]");
    await ready(page);
  }
  /** A request from the page's own console, as a user would forge one. */
  const forged = (page: Page, method: string, path: string) =>
    page.evaluate(
      async ([m, u]) =>
        (await fetch(u, { method: m, headers: { "X-Ops-Portal": "1" }, credentials: "same-origin" })).status,
      [method, path] as const,
    );

  it("anonymous sees only public projects, under a strict CSP, first paint measured", async () => {
    const { ctx, page } = await open();
    const answer = await page.goto(`${p.url}/`);
    await ready(page);
    const csp = answer?.headers()["content-security-policy"] ?? "";
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|http/);
    assert.deepEqual(await projects(page), ["pub"]);
    assert.equal(await forged(page, "GET", "/v2/team/app/tags/list"), 401);
    const fcp = await page.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
    );
    assert.ok(fcp > 0, "first contentful paint");
    figures["first contentful paint, projects page (anonymous)"] = `${fcp.toFixed(0)} ms`;
    const js = (await (await send(p.ep, "GET", "/portal/portal.js")).body).toString();
    const css = (await (await send(p.ep, "GET", "/portal/portal.css")).body).toString();
    const html = (await (await send(p.ep, "GET", "/")).body).toString();
    const gz = (s: string) => gzipSync(s, { level: 9 }).length;
    figures["assets, gzip -9 (html + js + css)"] =
      `${gz(html)} + ${gz(js)} + ${gz(css)} = ${gz(html) + gz(js) + gz(css)} bytes`;
    await shot(page, "anonymous-desktop");
    await ctx.close();
  });

  it("a guest (signing in with the keyboard) sees its projects without a delete button, and nginx refuses its forged DELETE and the audit log", async () => {
    const { ctx, page } = await open();
    await signInByKeyboard(page, "guest");
    assert.deepEqual(await projects(page), ["pub", "team"]);
    assert.deepEqual(await texts(page, "#top nav a"), ["Projects"]);
    await go(page, "#/r/team/app");
    assert.deepEqual(await texts(page, "[data-testid=tags] tbody td.name"), ["stable", "v1", "v2"]);
    assert.equal(await page.locator("button.danger").count(), 0);
    assert.equal(await forged(page, "DELETE", `/v2/team/app/manifests/${v2.manifest.digest}`), 403);
    assert.equal(await forged(page, "GET", "/ops/audit"), 403);
    assert.equal(await forged(page, "GET", "/ops/portal/catalog/secret"), 403);
    assert.equal(await manifestStatus(p.ep, who("dev"), "team/app", "v2"), 200, "still there");
    await ctx.close();
  });

  it("a developer sees its projects, platforms, signatures and pull commands, and no delete button", async () => {
    const { ctx, page } = await open();
    await signIn(page, "dev");
    assert.deepEqual(await projects(page), ["big", "pub", "team"]);
    // Repository counts and sizes, computed by the server from the storage.
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=project-size]")].every((c) => c.textContent !== "…"),
    );
    const count = (name: string) =>
      texts(page, `[data-testid=project-${name}] [data-testid=repository-count]`);
    assert.deepEqual(await count("big"), ["1001"]);
    assert.deepEqual(await count("team"), ["2"]);
    for (const size of await texts(page, "[data-testid=project-size]"))
      assert.match(size, /^\d+(\.\d+)? (B|KiB|MiB)$/);
    await shot(page, "projects-desktop");
    await go(page, "#/p/team");
    const teamRows = await texts(page, "[data-testid=repositories] tbody tr");
    assert.match(teamRows.join("\n"), /team\/app\s*3\s*20\d\d-\d\d-\d\d \d\d:\d\d UTC\s*\d+(\.\d+)? (B|KiB)/);
    await go(page, "#/r/team/multi");
    const row = page.locator("[data-testid=tag-v1]");
    const text = (await row.textContent()) ?? "";
    assert.match(text, /linux\/amd64, linux\/arm64/);
    assert.match(text, /signature: sha256-[0-9a-f]{64}\.sig/);
    assert.match(text, /attestation: 2 in the index/);
    assert.match(
      text,
      new RegExp(`docker pull ${p.url.replace("https://", "").replace(/\./g, "\\.")}/team/multi:v1`),
    );
    assert.equal(await page.locator("button.danger").count(), 0);
    assert.equal(await forged(page, "DELETE", `/v2/team/multi/manifests/${app.index.digest}`), 403);
    await shot(page, "repository-desktop");
    await page.setViewportSize(PHONE);
    await shot(page, "repository-phone");
    await ctx.close();
  });

  it("a maintainer goes projects -> repositories -> tags -> delete confirmation with Tab and Enter alone; the confirmation names the digest and its other tag; the registry no longer serves it", async () => {
    const { ctx, page } = await open();
    await signIn(page, "keeper");
    assert.deepEqual(await projects(page), ["pub", "secret", "team"]);
    /** Tab until the focused element is the one `matches` names (a bounded walk), then Enter. */
    const tabTo = async (what: string, matches: () => boolean): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        if (await page.evaluate(matches)) {
          await page.evaluate(() => (document.body.dataset.ready = "0"));
          await page.keyboard.press("Enter");
          return;
        }
      }
      assert.fail(`Tab never reached ${what}`);
    };
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo("the project team", () => document.activeElement?.textContent === "team");
    await ready(page);
    assert.equal(await page.evaluate(() => location.hash), "#/p/team");
    await tabTo("the repository team/app", () => document.activeElement?.textContent === "team/app");
    await ready(page);
    assert.equal(await page.evaluate(() => location.hash), "#/r/team/app");
    await tabTo("delete v1", () => document.activeElement?.getAttribute("aria-label") === "delete v1");
    await page.waitForSelector("dialog[open]");
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      "Cancel",
      "the safe choice first",
    );
    const confirm = (await page.textContent("[data-testid=confirm-text]")) ?? "";
    assert.match(confirm, new RegExp(`manifest ${v1.manifest.digest}`));
    assert.match(confirm, /go with it: stable/);
    await shot(page, "delete-confirmation-desktop");
    await page.keyboard.press("Tab");
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "confirm-delete",
    );
    await page.evaluate(() => (document.body.dataset.ready = "0"));
    await page.keyboard.press("Enter");
    await ready(page);
    assert.deepEqual(await texts(page, "[data-testid=tags] tbody td.name"), ["v2"]);
    for (const ref of ["v1", "stable", v1.manifest.digest])
      assert.equal(await manifestStatus(p.ep, who("keeper"), "team/app", ref), 404, ref);
    assert.equal(await manifestStatus(p.ep, who("keeper"), "team/app", "v2"), 200);
    await ctx.close();
  });

  it("a system admin reads the audit log (a login named with markup shows as text) and the accounts, read-only", async () => {
    const { ctx, page, console } = await open();
    await signIn(page, "root");
    assert.deepEqual(await projects(page), ["big", "pub", "secret", "team"]);
    assert.deepEqual(await texts(page, "#top nav a"), ["Projects", "Audit log", "Accounts"]);
    await shot(page, "projects-admin-desktop");
    await go(page, "#/audit");
    await page.fill("input[name=user]", XSS);
    await page.click("form.filters button[type=submit]");
    const cells = await texts(page, "[data-testid=audit] tbody td:nth-child(2)");
    assert.ok(cells.includes(XSS), `the hostile login is shown as text: ${cells.join(" | ")}`);
    assert.equal(await page.locator("[data-testid=audit] img").count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await page.fill("input[name=user]", "keeper");
    await page.selectOption("select[name=action]", "delete");
    await page.click("form.filters button[type=submit]");
    assert.match(
      (await texts(page, "[data-testid=audit] tbody tr")).join("\n"),
      /keeper.*delete.*team\/app.*202/,
    );
    await shot(page, "audit-desktop");
    await page.setViewportSize(PHONE);
    await shot(page, "audit-phone");
    await page.setViewportSize(DESKTOP);
    await go(page, "#/accounts");
    assert.match(
      (await page.textContent("main .note")) ?? "",
      /Read-only\. The inventory is the source of truth/,
    );
    assert.match(
      (await texts(page, "[data-testid=accounts] tbody tr")).join("\n"),
      /keeper.*team: maintainer, secret: maintainer/,
    );
    await shot(page, "accounts-desktop");
    assert.deepEqual(
      console.filter((m) => m.startsWith("DIALOG")),
      [],
    );
    await ctx.close();
  });

  it("hostile names from the registry never become markup, and the CSP blocks inline script", async () => {
    const { ctx, page, console } = await open();
    await signIn(page, "dev");
    // A registry that sends markup as names (a peer is not trusted): the page drops what is no name.
    await page.route("**/ops/portal/catalog/team*", (r) =>
      r.fulfill({
        contentType: "application/json",
        body: JSON.stringify({
          repositories: [XSS, `team/${XSS}`, "team/app"].map((name) => ({
            name,
            tags: 1,
            size: 1,
            pushed: 1,
          })),
          total: 3,
        }),
      }),
    );
    await go(page, "#/p/team");
    assert.deepEqual(await texts(page, "[data-testid=repositories] tbody td:first-child"), ["team/app"]);
    await go(page, `#/?q=${encodeURIComponent(XSS)}`);
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.inputValue("input[name=q]"), XSS, "the query is text in the search box");
    await page.goto(`${p.url}/#/r/${encodeURIComponent(XSS)}`);
    await ready(page);
    assert.equal(await page.locator("main img").count(), 0);
    await assert.rejects(page.addScriptTag({ content: "window.__xss = 2;" }));
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__xss = 3;";
      document.body.append(s);
    });
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.ok(
      console.some((m) => /Content Security Policy/.test(m) && /script-src 'self'/.test(m)),
      `the console shows the violation: ${console.join("\n")}`,
    );
    await ctx.close();
  });

  it("a 1,000-repository project pages on the server by n/last, 100 at a time, with tags, last push and size; search finds a repository past the first 100", async () => {
    const { ctx, page } = await open();
    await signIn(page, "dev");
    const t0 = Date.now();
    await go(page, "#/p/big");
    figures["1,000-repository project, first page of 100 rows (tags, last push, size) drawn"] =
      `${Date.now() - t0} ms`;
    assert.equal(await page.textContent("[data-testid=repository-total]"), "1001 repositories");
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      // Each row: one tag, a last push, a size (the cells' text run together).
      for (const row of await texts(page, "[data-testid=repositories] tbody tr"))
        assert.match(row, /^big\/[a-z0-9-]+1\d{4}-\d\d-\d\d \d\d:\d\d UTC\d+(\.\d+)? (B|KiB|MiB)$/, row);
      for (const n of await texts(page, "[data-testid=repositories] tbody td:first-child")) seen.add(n);
      if (i === 0) await shot(page, "project-desktop");
      if ((await page.locator("[data-testid=next-page]").count()) === 0) break;
      await page.evaluate(() => (document.body.dataset.ready = "0"));
      await page.click("[data-testid=next-page]");
      await ready(page);
    }
    assert.equal(seen.size, 1001, "1,000 clones and the seed");
    assert.ok([...seen].every((n) => n.startsWith("big/")));
    const t1 = Date.now();
    await go(page, `#/?q=${encodeURIComponent("repo-0950")}`);
    figures["search over 1,001 repositories of a project, drawn"] = `${Date.now() - t1} ms`;
    assert.deepEqual(await texts(page, "[data-testid=search-repositories] li"), ["big/repo-0950"]);
    await go(page, `#/p/big?q=${encodeURIComponent("repo-09")}`);
    assert.equal(
      await page.textContent("[data-testid=repository-total]"),
      "100 repositories match “repo-09”",
    );
    assert.deepEqual((await texts(page, "[data-testid=repositories] tbody td:first-child")).slice(0, 2), [
      "big/repo-0900",
      "big/repo-0901",
    ]);
    await page.setViewportSize(PHONE);
    await go(page, "#/p/big");
    await shot(page, "project-phone");
    await ctx.close();
  });

  it("sign-out ends the session: the page is anonymous again and the old cookie is refused", async () => {
    const { ctx, page } = await open(PHONE);
    await signIn(page, "dev");
    await shot(page, "projects-phone");
    const cookie = (await ctx.cookies()).find((c) => c.name === "ops_session");
    assert.ok(cookie, "a session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie), "", "not readable by script");
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    const replay = () =>
      send(p.ep, "GET", "/ops/portal/me", {
        headers: { Cookie: `ops_session=${cookie.value}`, "X-Ops-Portal": "1" },
      });
    assert.equal((await replay()).status, 200);
    await page.evaluate(() => (document.body.dataset.ready = "0"));
    await page.click("[data-testid=signout]");
    await page.waitForSelector("[data-testid=signin]");
    await ready(page);
    assert.deepEqual(await projects(page), ["pub"]);
    assert.equal((await replay()).status, 401, "the copied cookie after sign-out");
    await go(page, "#/signin");
    await shot(page, "signin-phone");
    await ctx.close();
  });

  it("a session ends at the deploy that removes its account or changes its role; an unchanged account's session lives on", async () => {
    const sessions: Record<string, string> = {};
    for (const u of ["dev", "guest", "keeper"] as const) {
      const { ctx, page } = await open();
      await signIn(page, u);
      sessions[u] = (await ctx.cookies()).find((c) => c.name === "ops_session")?.value ?? "";
      await ctx.close();
    }
    const me = (u: string) =>
      send(p.ep, "GET", "/ops/portal/me", {
        headers: { Cookie: `ops_session=${sessions[u]}`, "X-Ops-Portal": "1" },
      });
    for (const u of ["dev", "guest", "keeper"]) assert.equal((await me(u)).status, 200, u);
    const vars = p.vars() as {
      registry_users: { name: string }[];
      registry_projects: { members: { user: string; role: string }[] }[];
    };
    vars.registry_users = vars.registry_users.filter((u) => u.name !== "guest");
    for (const proj of vars.registry_projects) {
      proj.members = proj.members.filter((m) => m.user !== "guest");
      for (const m of proj.members) if (m.user === "keeper") m.role = "developer";
    }
    const t0 = Date.now();
    const run = await p.redeploy(vars);
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
    figures["deploy-registry that removes an account and changes a role"] =
      `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    assert.equal((await me("guest")).status, 401, "guest left the inventory");
    assert.equal((await me("keeper")).status, 401, "keeper's role changed: sign in again");
    const dev = await me("dev");
    assert.equal(dev.status, 200, "dev's rights did not change");
    assert.equal((JSON.parse(dev.body.toString()) as { user: string }).user, "dev");
  });
});
