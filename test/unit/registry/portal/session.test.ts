import { strict as assert } from "node:assert";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { portalRoutes, type CatalogReader } from "../../../../src/registry/portal/service.js";
import {
  cookieValue,
  SESSION_SECONDS,
  Sessions,
  setCookie,
} from "../../../../src/registry/portal/session.js";

describe("portal sessions", () => {
  it("a session names its account until it expires or is ended; a forged or altered cookie names nobody", () => {
    let now = 1_800_000_000_000;
    const s = new Sessions(() => now);
    const c = s.issue("robot$ci");
    assert.equal(s.check(c)?.user, "robot$ci");
    assert.equal(new Sessions(() => now).check(c), null, "another key (a restarted service)");
    fc.assert(
      fc.property(fc.nat({ max: c.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, ch) => {
        const bad = c.slice(0, i) + ch + c.slice(i + 1);
        fc.pre(bad !== c);
        assert.equal(s.check(bad), null);
      }),
    );
    const parts = c.split(".");
    const forged = [parts[0], Buffer.from("root").toString("base64url"), ...parts.slice(2)].join(".");
    assert.equal(s.check(forged), null);
    const later = [...parts.slice(0, 2), String(Number(parts[2]) + 3600), ...parts.slice(3)].join(".");
    assert.equal(s.check(later), null, "a longer life");
    now += SESSION_SECONDS * 1000;
    assert.equal(s.check(c), null, "expired");
    now -= 1000;
    assert.equal(s.check(c)?.user, "robot$ci");
    s.end(c);
    assert.equal(s.check(c), null, "ended: a copy of the cookie is dead too");
    assert.equal(s.check(s.issue("robot$ci"))?.user, "robot$ci", "a new session is not");
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (v) => assert.equal(s.check(v), null)));
  });

  it("reads the cookie from a Cookie header and sets it HttpOnly, Secure, SameSite=Strict, short-lived", () => {
    assert.equal(cookieValue("a=1; ops_session=v1.x.y; b=2"), "v1.x.y");
    assert.equal(cookieValue(undefined), "");
    assert.equal(
      setCookie("v"),
      `ops_session=v; Max-Age=${SESSION_SECONDS}; Path=/; HttpOnly; Secure; SameSite=Strict`,
    );
    assert.match(setCookie(""), /Max-Age=0/);
  });
});

describe("portal routes of the policy service", () => {
  let server: Server;
  let base: string;
  const requests: [number, string][] = [];
  // A registry's catalog: 1,000 repositories of `big`, and neighbours sorted around it.
  const all = [
    "aaa/x",
    ...Array.from({ length: 1000 }, (_, i) => `big/repo-${String(i).padStart(4, "0")}`),
    "big-other/secret",
    "bigger/secret",
    "zzz/y",
  ];
  const catalog: CatalogReader = async (n, last) => {
    requests.push([n, last]);
    const rest = all.filter((x) => x > last);
    const page = rest.slice(0, n);
    return { repositories: page, next: rest.length > n ? (page.at(-1) ?? "") : "" };
  };

  before(async () => {
    const routes = portalRoutes(new Sessions(), catalog);
    server = createServer((req, res) => {
      void routes(req, res).then((done) => {
        if (!done) res.writeHead(404).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("issues a session only for the account nginx names, checks it, and ends it", async () => {
    assert.equal((await fetch(`${base}/session/issue`, { method: "POST" })).status, 401);
    const issued = await fetch(`${base}/session/issue`, { method: "POST", headers: { "X-Ops-User": "dev" } });
    assert.equal(issued.status, 204);
    const set = issued.headers.get("set-cookie") ?? "";
    assert.match(set, /HttpOnly; Secure; SameSite=Strict/);
    const cookie = set.split(";")[0] ?? "";
    const check = () => fetch(`${base}/session/check`, { headers: { Cookie: cookie } });
    const ok = await check();
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("x-ops-user"), "dev");
    const end = await fetch(`${base}/session/end`, { method: "POST", headers: { Cookie: cookie } });
    assert.match(end.headers.get("set-cookie") ?? "", /Max-Age=0/);
    assert.equal((await check()).status, 401, "the same cookie after sign-out");
  });

  it("pages a 1,000-repository project by the registry's n/last and never lets another project's name out", async () => {
    const seen: string[] = [];
    let url = `/ops/portal/catalog/big?n=100`;
    for (let pages = 0; pages < 20; pages++) {
      const r = await fetch(`${base}${url.replace("/ops/portal/catalog/", "/portal/catalog/")}`);
      assert.equal(r.status, 200);
      seen.push(...((await r.json()) as { repositories: string[] }).repositories);
      const link = r.headers.get("link");
      if (link === null) break;
      url = /^<([^>]+)>/.exec(link)?.[1] ?? "";
    }
    assert.equal(seen.length, 1000);
    assert.ok(seen.every((n) => n.startsWith("big/")));
    assert.equal(requests[0]?.[1], "big/", "the first page starts at the project");
    assert.equal((await fetch(`${base}/portal/catalog/big?last=bigger%2Fsecret`)).status, 400);
    assert.equal((await fetch(`${base}/portal/catalog/..%2Fx`)).status, 400);
  });
});
