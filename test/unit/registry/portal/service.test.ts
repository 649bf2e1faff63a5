import { strict as assert } from "node:assert";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { DeployRegistryVars } from "../../../../playbooks/deploy-registry.vars.js";
import { registryModel } from "../../../../src/registry/model.js";
import { ConfigSource } from "../../../../src/registry/policy/config-source.js";
import { Storage } from "../../../../src/registry/policy/storage.js";
import { grantsFile, grantsOf, parseGrants } from "../../../../src/registry/portal/grants.js";
import type { RepositoryRow } from "../../../../src/registry/portal/page.js";
import { portalRoutes } from "../../../../src/registry/portal/service.js";
import { Sessions } from "../../../../src/registry/portal/session.js";
import { storageStore } from "../../../../src/registry/portal/store.js";
import { StorageTree } from "../policy/storage-tree.js";
import { SAMPLE_VARS } from "../support/sample.js";

type Vars = Pick<DeployRegistryVars, "registry_users" | "registry_projects" | "registry_retention">;
const withRole = (vars: Vars, user: string, role: "guest" | "developer" | "maintainer"): Vars => ({
  ...vars,
  registry_projects: vars.registry_projects.map((p) => ({
    ...p,
    members: (p.members ?? []).map((m) => (m.user === user ? { ...m, role } : m)),
  })),
});

describe("portal routes of the policy service", function () {
  // A storage tree of 1,000 repositories is written first (mostly file system time).
  this.timeout(60_000);
  let server: Server;
  let base: string;
  let tree: StorageTree;
  let grantsPath: string;
  const setGrants = (vars: Vars): void => writeFileSync(grantsPath, grantsFile(registryModel(vars)));

  before(async () => {
    tree = new StorageTree();
    // `big`: 1,000 repositories sharing one layer; its neighbours in the catalog's order around it.
    const shared = tree.image("big/repo-0000", [1000], "v1", "shared");
    for (let i = 1; i < 1000; i++) {
      const repo = `big/repo-${String(i).padStart(4, "0")}`;
      tree.link(repo, shared.digest);
      if (i % 2 === 0) tree.tag(repo, "v1", shared.digest);
    }
    tree.image("big/repo-0007", [3000], "v2", "own");
    for (const other of ["aaa/x", "big-other/secret", "bigger/secret", "zzz/y"])
      tree.image(other, [10], "v1");
    grantsPath = join(tree.root, "portal-accounts.json");
    setGrants(SAMPLE_VARS);
    const grants = new ConfigSource(grantsPath, parseGrants);
    const routes = portalRoutes(new Sessions(), storageStore(new Storage(tree.root)), () => grants.current());
    server = createServer((req, res) => {
      void routes(req, res).then((done) => {
        if (!done) res.writeHead(404).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    tree.remove();
  });

  const signIn = async (user: string): Promise<string> => {
    const issued = await fetch(`${base}/session/issue`, { method: "POST", headers: { "X-Ops-User": user } });
    assert.equal(issued.status, 204);
    const set = issued.headers.get("set-cookie") ?? "";
    assert.match(set, /HttpOnly; Secure; SameSite=Strict/);
    return set.split(";")[0] ?? "";
  };
  const check = (cookie: string) => fetch(`${base}/session/check`, { headers: { Cookie: cookie } });

  it("issues a session only for an account of the inventory nginx names, checks it, and ends it", async () => {
    assert.equal((await fetch(`${base}/session/issue`, { method: "POST" })).status, 401);
    const unknown = await fetch(`${base}/session/issue`, {
      method: "POST",
      headers: { "X-Ops-User": "nobody" },
    });
    assert.equal(unknown.status, 401, "an account the inventory does not hold");
    const cookie = await signIn("dev");
    const ok = await check(cookie);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("x-ops-user"), "dev");
    const end = await fetch(`${base}/session/end`, { method: "POST", headers: { Cookie: cookie } });
    assert.match(end.headers.get("set-cookie") ?? "", /Max-Age=0/);
    assert.equal((await check(cookie)).status, 401, "the same cookie after sign-out");
  });

  it("a session ends when a run removes its account or changes its role; other sessions live on", async () => {
    const dev = await signIn("dev");
    const guest = await signIn("guest");
    const keeper = await signIn("keeper");
    setGrants(withRole(SAMPLE_VARS, "guest", "maintainer"));
    assert.equal((await check(guest)).status, 401, "guest became maintainer: sign in again");
    assert.equal((await check(dev)).status, 204);
    setGrants({
      ...SAMPLE_VARS,
      registry_users: SAMPLE_VARS.registry_users.filter((u) => u.name !== "keeper"),
    });
    assert.equal((await check(keeper)).status, 401, "keeper left the inventory");
    assert.equal((await check(dev)).status, 204);
    writeFileSync(grantsPath, "{not json");
    assert.equal((await check(dev)).status, 500, "rights that cannot be read are an error, never a pass");
    setGrants(SAMPLE_VARS);
    assert.equal((await check(dev)).status, 204);
  });

  it("an account's fingerprint follows its rights and nothing else", () => {
    const m = registryModel(SAMPLE_VARS);
    assert.equal(grantsOf(m, "dev"), grantsOf(registryModel(SAMPLE_VARS), "dev"));
    assert.notEqual(
      grantsOf(m, "dev"),
      grantsOf(registryModel(withRole(SAMPLE_VARS, "dev", "guest")), "dev"),
    );
    assert.equal(
      grantsOf(m, "dev"),
      grantsOf(registryModel(withRole(SAMPLE_VARS, "guest", "maintainer")), "dev"),
    );
    assert.equal(grantsOf(m, "nobody"), null);
  });

  const page = async (url: string) => {
    const r = await fetch(`${base}${url.replace("/ops/portal/catalog/", "/portal/catalog/")}`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as {
      repositories: RepositoryRow[];
      total: number;
      project?: { repositories: number; size: number };
    };
    const next = /^<([^>]+)>/.exec(r.headers.get("link") ?? "")?.[1] ?? "";
    return { body, next };
  };

  it("pages a 1,000-repository project by n/last with tags, last push and size; never another project's name", async () => {
    const seen: RepositoryRow[] = [];
    let url = `/ops/portal/catalog/big?n=100`;
    for (let pages = 0; pages < 20 && url !== ""; pages++) {
      const { body, next } = await page(url);
      assert.equal(body.total, 1000);
      assert.ok(body.repositories.length <= 100);
      seen.push(...body.repositories);
      url = next;
    }
    assert.equal(seen.length, 1000);
    assert.equal(new Set(seen.map((r) => r.name)).size, 1000);
    assert.ok(seen.every((r) => r.name.startsWith("big/")));
    const byName = new Map(seen.map((r) => [r.name, r]));
    const one = byName.get("big/repo-0002");
    assert.equal(one?.tags, 1);
    assert.equal(byName.get("big/repo-0001")?.tags, 0);
    // Unique blob bytes: the manifest, its config and its 1,000-byte layer, each once.
    const sharedSize = one?.size ?? 0;
    assert.ok(sharedSize > 1000 && sharedSize < 2000, String(sharedSize));
    const own = byName.get("big/repo-0007");
    assert.ok((own?.size ?? 0) > sharedSize + 3000, "a second image adds its own layer");
    assert.ok(Math.abs((one?.pushed ?? 0) - Date.now()) < 600_000, "last push: when the links were written");
    const figures = (await page(`/ops/portal/catalog/big?n=1&project=1`)).body.project;
    assert.equal(figures?.repositories, 1000);
    assert.ok(
      (figures?.size ?? 0) < sharedSize + (own?.size ?? 0),
      "a layer 1,000 repositories share counts once in the project",
    );
    assert.equal((await fetch(`${base}/portal/catalog/big?last=bigger%2Fsecret`)).status, 400);
    assert.equal((await fetch(`${base}/portal/catalog/..%2Fx`)).status, 400);
    assert.equal((await fetch(`${base}/portal/catalog/big?q=${"a".repeat(300)}`)).status, 400);
  });

  it("searches every repository of a project on the server, paged the same way", async () => {
    const { body, next } = await page(`/ops/portal/catalog/big?n=5&q=repo-09`);
    assert.equal(body.total, 100, "repo-0900..repo-0999: all past the first page of 100");
    assert.deepEqual(
      body.repositories.map((r) => r.name),
      ["big/repo-0900", "big/repo-0901", "big/repo-0902", "big/repo-0903", "big/repo-0904"],
    );
    assert.match(next, /[?&]q=repo-09/, "the next page keeps the search");
    const second = await page(next);
    assert.equal(second.body.repositories[0]?.name, "big/repo-0905");
    assert.equal((await page(`/ops/portal/catalog/big?q=secret`)).body.total, 0);
  });
});
