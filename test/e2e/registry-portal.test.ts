/**
 * The registry portal in a real browser: Debian's Chromium, driven by playwright-core, against the
 * stack ops renders (nginx with the portal's files and config, Distribution) on this machine's
 * engine, with content pushed as docker, buildx and cosign push it. Each role sees exactly what nginx
 * lets it do; deletes, forged requests, sign-out, hostile content and the CSP are judged by what the
 * registry and the browser really do. Screenshots go to docs/images/, figures to the test's output.
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
  hostileLogin,
  PORTAL_PASSWORDS,
  startPortalStack,
  who,
  type PortalStack,
  type PortalUser,
} from "./helpers/portal-stack.js";

const IMAGES = "docs/images";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const XSS = `<img src=x onerror="window.__xss=1">`;
const figures: Record<string, string> = {};

describe("registry portal in Chromium", function () {
  this.timeout(300_000);
  let p: PortalStack;
  let browser: Browser;
  const app = buildxIndex("team/multi");
  const sig = cosignSignature(app.index, "team/multi");
  const v1 = platformImage("amd64", "team/app v1");
  const v2 = platformImage("amd64", "team/app v2");

  before(async () => {
    const t0 = Date.now();
    mkdirSync(IMAGES, { recursive: true });
    p = await startPortalStack();
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
    cloneRepositories(p.stack, "big/seed", "big", 1000);
    assert.equal(await hostileLogin(p.ep, XSS), 401);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
    });
    figures["setup (stack, pushes, 1,000 repositories)"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  });
  after(async () => {
    await browser?.close();
    await p?.remove();
    for (const [k, v] of Object.entries(figures)) console.log(`    figure: ${k}: ${v}`);
  });

  /** A fresh browser profile (no cookies) at a width; the registry's certificate is ops's own CA's. */
  async function open(viewport = DESKTOP): Promise<{ ctx: BrowserContext; page: Page; console: string[] }> {
    const ctx = await browser.newContext({ viewport, ignoreHTTPSErrors: true });
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

  it("a maintainer deletes a tag after a confirmation naming the digest and its other tag; the registry no longer serves it", async () => {
    const { ctx, page } = await open();
    await signIn(page, "keeper");
    assert.deepEqual(await projects(page), ["pub", "secret", "team"]);
    await go(page, "#/r/team/app");
    await page.click("[data-testid=tag-v1] button.danger");
    const confirm = (await page.textContent("[data-testid=confirm-text]")) ?? "";
    assert.match(confirm, new RegExp(`manifest ${v1.manifest.digest}`));
    assert.match(confirm, /go with it: stable/);
    await shot(page, "delete-confirmation-desktop");
    await page.evaluate(() => (document.body.dataset.ready = "0"));
    await page.click("[data-testid=confirm-delete]");
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
        body: JSON.stringify({ repositories: [XSS, `team/${XSS}`, "team/app"] }),
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

  it("a 1,000-repository project pages on the server by n/last, 100 at a time", async () => {
    const { ctx, page } = await open();
    await signIn(page, "dev");
    const t0 = Date.now();
    await go(page, "#/p/big");
    const first = Date.now() - t0;
    const counted = () =>
      page.waitForFunction(() =>
        [...document.querySelectorAll("[data-testid=repositories] tbody td:nth-child(2)")].every(
          (c) => c.textContent === "1",
        ),
      );
    await counted();
    const withCounts = Date.now() - t0;
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      for (const n of await texts(page, "[data-testid=repositories] tbody td:first-child")) seen.add(n);
      if (i === 0) await shot(page, "project-desktop");
      if ((await page.locator("[data-testid=next-page]").count()) === 0) break;
      await page.evaluate(() => (document.body.dataset.ready = "0"));
      await page.click("[data-testid=next-page]");
      await ready(page);
    }
    assert.equal(seen.size, 1001, "1,000 clones and the seed");
    assert.ok([...seen].every((n) => n.startsWith("big/")));
    figures["1,000-repository project, first page of 100 names drawn"] = `${first} ms`;
    figures["... and its 100 tag counts filled in"] = `${withCounts} ms`;
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
});
