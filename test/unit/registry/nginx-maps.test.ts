/**
 * Every map nginx decides with refuses what it does not match, and nginx's classification of a path
 * is the registry's: the rendered maps evaluated as nginx evaluates them, compared with
 * Distribution 2.8's own route regexps (support/distribution-routes.ts) over generated paths.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { renderStack } from "../../../src/registry/stack.js";
import { distributionRoute } from "./support/distribution-routes.js";
import { evaluate, nginxMaps, type NginxMap } from "./support/nginx-maps.js";
import { sampleModel, sampleSpec } from "./support/sample.js";

const stack = renderStack(sampleSpec(), sampleModel(), { certPem: "C\n", keyPem: "K\n" });
const conf = stack.files
  .filter((f) => /\/(nginx|access|portal-http)\.conf$/.test(f.path))
  .map((f) => f.content)
  .join("\n");
const maps = nginxMaps(conf);
const map = (variable: string): NginxMap => {
  const m = maps.find((x) => x.variable === variable);
  assert.ok(m, `$${variable} is a map`);
  return m;
};

/** Maps that allow or refuse, with the value that refuses. */
const DECISIONS: Record<string, string> = {
  ops_kind: "deny",
  ops_action: "deny",
  ops_from_ok: "0",
  ops_path_ok: "0",
  ops_query_ok: "0",
  ops_body_ok: "0",
  ops_anon: "0",
  ops_may: "0",
  ops_may_from: "0",
  ops_upstream: "ops_denied",
  ops_audit_upstream: "ops_denied",
  ops_anon_ok: "0",
  ops_known_user: "0",
  ops_proxy_host: "0",
  ops_proxy_member: "0",
  ops_proxy_open: "0",
  ops_proxy_may: "0",
  ops_registry_backend: "ops_unavailable",
  ops_signin_upstream: "ops_denied",
  ops_signout_upstream: "ops_denied",
};
/** Maps that only name things; none of them can let a request through by itself. */
const NAMES: Record<string, string> = {
  ops_repository: "which repository (for the maps above and the log)",
  ops_project: "the repository's first component",
  ops_reference: "the tag or digest, for the log",
  ops_from_project: "the project a mount reads from, judged by $ops_may_from",
  ops_mount: "1 (a mount, which needs $ops_may_from) unless `from` is empty",
  ops_credential: "the credential to verify; empty means anonymous, judged by $ops_anon",
  ops_check_upstream: "which checker verifies the credential or the portal's session: each can refuse",
  ops_check_path: "the path the checker is asked on (the policy service's /session/check)",
  ops_me: "which who-am-I file the portal gets: anonymous's unless nginx verified an account",
  ops_token: "the token handed back after verification",
  ops_api_version: "a response header",
  ops_service: "the log's service field, and which server's rules apply (the port it came in on)",
  ops_anonymous: "1 (no credential): the login cache is not used, and $ops_anon_ok decides",
  ops_users_file:
    "which htpasswd file the login checker reads: a verify robot's own, else the accounts'; auth_basic decides",
  ops_unauthorized_detail: "the reason a 401 gives (an expired robot), for the client",
  ops_unauthorized_message: "the same reason, as the message docker prints",
  ops_verify_robot_expired:
    "1 refuses a verify robot past its expiry (any robot$ops-verify- name the expiry regex does not clear); otherwise the password check still decides",
  ops_gc: "1 while gc.sh collects garbage (its gc-maintenance.map), judged by $ops_registry_backend",
};

describe("nginx maps: deny by default", () => {
  it("every map is either a decision that refuses by default or a name", () => {
    assert.ok(maps.length >= Object.keys(DECISIONS).length);
    for (const m of maps) {
      const refusal = DECISIONS[m.variable];
      if (refusal === undefined) {
        assert.ok(NAMES[m.variable], `$${m.variable} is a new map: say whether it decides`);
        continue;
      }
      assert.equal(m.fallback, refusal, `$${m.variable}'s default must refuse`);
    }
    for (const v of Object.keys(DECISIONS)) map(v);
  });

  it("a verify robot is refused from the second its name gives, reads its own file, and no other name reaches those files", () => {
    const expired = (key: string) => evaluate(map("ops_verify_robot_expired"), key);
    const robot = "robot$ops-verify-1a2b3c-1765135000";
    assert.equal(expired(`${robot}:1765134999.999`), "0");
    assert.equal(expired(`${robot}:1765135000.000`), "1");
    assert.equal(expired(`${robot}:1765135001.000`), "1");
    assert.equal(expired("robot$ops-verify-1a2b3c:1765134999.000"), "1", "no expiry: expired");
    assert.equal(expired("robot$ops-verify-1a2b3c-99999999999:1765134999.000"), "1", "11 digits: expired");
    assert.equal(expired("robot$ci:1765134999.000"), "0", "a declared robot: the policy service judges it");
    assert.equal(expired("dev:1765134999.000"), "0");
    const file = (user: string) => evaluate(map("ops_users_file"), user);
    assert.equal(file(robot), "/etc/ops-registry/verify/1a2b3c-1765135000.htpasswd");
    for (const other of [
      "dev",
      "robot$ci",
      "robot$ops-verify-../../x-1765135000",
      `${robot}/..`,
      `x${robot}`,
    ])
      assert.equal(file(other), "/etc/ops-registry/htpasswd", other);
  });

  it("an unmatched request is refused: unknown paths, methods and kinds go to the refusal server", () => {
    for (const uri of ["/v2/team", "/v2/team/app/other/x", "/v2//team/app/manifests/v1", "/v3/", "/"])
      assert.equal(evaluate(map("ops_kind"), uri), "deny", uri);
    assert.equal(evaluate(map("ops_action"), "OPTIONS:manifest"), "deny");
    assert.equal(evaluate(map("ops_action"), "GET:deny"), "deny");
    const up = (k: string) => evaluate(map("ops_upstream"), k);
    assert.equal(up("registry:1:0:1:1:1:1:deny"), "ops_denied");
    assert.equal(up("registry:1:0:1:1:1:1:manifest"), "$ops_registry_backend");
    assert.equal(up("registry:1:0:1:1:1:1:referrers"), "ops_noreferrers");
    assert.equal(up("registry:1:0:1:1:1:0:manifest"), "ops_denied");
    assert.equal(up("registry:0:1:1:1:1:1:manifest"), "ops_denied", "proxy rights are not registry rights");
    assert.equal(up("proxy-cache:1:0:1:1:1:1:manifest"), "ops_denied", "nor the reverse");
    assert.equal(up("proxy-cache:0:1:1:1:1:1:manifest"), "ops_proxy");
    assert.equal(up("proxy-cache:0:1:1:1:1:1:upload"), "ops_denied", "the cache is read-only");
    assert.equal(evaluate(map("ops_registry_backend"), "0:PUT"), "ops_registry");
    assert.equal(evaluate(map("ops_registry_backend"), "1:GET"), "ops_registry_ro");
    assert.equal(evaluate(map("ops_registry_backend"), "1:HEAD"), "ops_registry_ro");
    for (const write of ["1:PUT", "1:POST", "1:PATCH", "1:DELETE", "1:OPTIONS", ":GET", "2:GET"])
      assert.equal(evaluate(map("ops_registry_backend"), write), "ops_unavailable", write);
    assert.equal(evaluate(map("ops_query_ok"), "GET:deny:"), "0");
    assert.equal(evaluate(map("ops_body_ok"), "\tapplication/x-www-form-urlencoded"), "0");
    assert.equal(evaluate(map("ops_body_ok"), "application/vnd.oci.image.manifest.v1+json"), "1");
    for (const bad of ["/v2/a//b", "/v2/./x", "/v2/a/%2e%2e/b", "/v2/a/../b"])
      assert.equal(evaluate(map("ops_path_ok"), bad), "0", bad);
    assert.equal(evaluate(map("ops_path_ok"), "/v2/team/app/manifests/v1.0?x=1"), "1");
  });

  it("classifies a repository named after a route part exactly as the registry does", () => {
    const delBlob = "/v2/team/x/blobs/uploads/y/blobs/sha256:" + "a".repeat(64);
    assert.equal(evaluate(map("ops_kind"), delBlob), "blob");
    assert.equal(evaluate(map("ops_repository"), delBlob), "team/x/blobs/uploads/y");
    assert.equal(evaluate(map("ops_action"), `DELETE:${evaluate(map("ops_kind"), delBlob)}`), "delete");
    assert.deepEqual(distributionRoute(delBlob), { route: "blob", name: "team/x/blobs/uploads/y" });
    const upload = "/v2/team/blobs/uploads/x/blobs/uploads/";
    assert.equal(evaluate(map("ops_kind"), upload), "upload");
    assert.equal(evaluate(map("ops_repository"), upload), "team/blobs/uploads/x");
    const manifest = "/v2/team/manifests/a/manifests/v1";
    assert.equal(evaluate(map("ops_repository"), manifest), "team/manifests/a");
    assert.equal(evaluate(map("ops_reference"), manifest), "v1");
    assert.equal(evaluate(map("ops_project"), "team/manifests/a"), "team");
  });
});

/** Path parts that look like route words, so generated names collide with the routes. */
const word = fc.constantFrom("blobs", "uploads", "manifests", "tags", "list", "referrers", "_catalog", "v2");
const component = fc.oneof(
  word,
  fc.stringMatching(/^[a-z0-9]{1,4}([._-]{1,2}[a-z0-9]{1,3})?$/),
  fc.constantFrom("A", "a..b", "-a", "a:5000", "sha256:ab", "", "."),
);
const digest = fc.constantFrom(`sha256:${"b".repeat(64)}`, "sha256:short", "x:y", "SHA256:ab");
const tail = fc.oneof(
  fc.constant("/tags/list"),
  fc
    .tuple(fc.constantFrom("/manifests/", "/blobs/", "/referrers/"), fc.oneof(digest, component))
    .map(([a, b]) => a + b),
  fc.constantFrom("/blobs/uploads/", "/blobs/uploads"),
  component.map((u) => `/blobs/uploads/${u}`),
);
const path = fc
  .tuple(fc.array(component, { minLength: 1, maxLength: 5 }), tail)
  .map(([parts, t]) => `/v2/${parts.join("/")}${t}`);

const OURS = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

describe("nginx maps: the registry's classification (property)", () => {
  it("whatever nginx lets through is the route and repository the registry serves", () => {
    fc.assert(
      fc.property(path, fc.constantFrom("", "?n=1"), (p, q) => {
        const kind = evaluate(map("ops_kind"), p + q);
        const registry = distributionRoute(p);
        if (kind === "deny" || kind === "referrers") {
          if (kind === "referrers") assert.equal(registry, null, p);
          // Refused: only names ops never stores (no project, uppercase, a host part).
          if (kind === "deny" && registry !== null && registry.name !== "")
            assert.doesNotMatch(registry.name, OURS, `${p}: the registry serves it, nginx refuses it`);
          return;
        }
        assert.ok(registry, `${p}: nginx says ${kind}, the registry has no such route`);
        assert.equal(kind, registry.route, p);
        assert.equal(evaluate(map("ops_repository"), p + q), registry.name, p);
      }),
      { numRuns: 3000 },
    );
  });

  it("the project is the first component of the repository the registry serves", () => {
    fc.assert(
      fc.property(path, (p) => {
        const repo = evaluate(map("ops_repository"), p);
        if (repo === "") return;
        assert.equal(evaluate(map("ops_project"), repo), repo.split("/")[0]);
      }),
      { numRuns: 1000 },
    );
  });

  // No nested quantifier can backtrack exponentially: with one, this would outlast mocha's timeout.
  it("a hostile path is refused without catastrophic backtracking", () => {
    for (const v of ["ops_kind", "ops_repository", "ops_reference", "ops_path_ok"])
      evaluate(map(v), `/v2/${"a-".repeat(4000)}!/manifests/x`);
    assert.equal(evaluate(map("ops_kind"), `/v2/${"a-".repeat(4000)}!/manifests/x`), "deny");
  });
});

describe("nginx maps: the pull-through cache", () => {
  const open = (host: string, action: string) => evaluate(map("ops_proxy_open"), `${host}:${action}`);
  const may = (o: string, member: string, action: string) =>
    evaluate(map("ops_proxy_may"), `${o}:${member}:${action}`);
  it("serves the inventory's hosts anonymously and members logged in; nobody else, and never a push", () => {
    assert.equal(evaluate(map("ops_proxy_host"), "127.0.0.1"), "1");
    assert.deepEqual([open("1", "pull"), open("0", "pull"), open("1", "push")], ["1", "0", "0"]);
    assert.equal(may("1", "0", "pull"), "1");
    assert.equal(may("0", "1", "pull"), "1");
    assert.equal(may("0", "0", "pull"), "0");
    assert.equal(may("0", "1", "push"), "0");
    assert.equal(evaluate(map("ops_proxy_member"), "guest"), "1");
    // A case variant of an account is no account: it gets the decoy's bcrypt, like any unknown name.
    const known = (n: string) => evaluate(map("ops_known_user"), n);
    assert.deepEqual(["dev", "Dev", "DEV", "robot$ci", "robot$CI", "robotXci", "de", "devx"].map(known), [
      "1",
      "0",
      "0",
      "1",
      "0",
      "0",
      "0",
      "0",
    ]);
    assert.equal(evaluate(map("ops_proxy_member"), "dev"), "0");
    assert.equal(evaluate(map("ops_anon_ok"), "proxy-cache:1:0"), "0", "a public project is not the cache");
    assert.equal(evaluate(map("ops_anon_ok"), "proxy-cache:0:1"), "1");
    assert.equal(evaluate(map("ops_anon_ok"), "registry:0:1"), "0", "nor the reverse");
  });

  it("public: true opens it to every address, still read-only", () => {
    const spec = sampleSpec();
    const pub = renderStack(
      { ...spec, proxyCache: spec.proxyCache && { ...spec.proxyCache, public: true } },
      sampleModel(),
      null,
    );
    const m = nginxMaps(pub.files.find((f) => f.path.endsWith("/nginx.conf"))?.content ?? "");
    const openMap = m.find((x) => x.variable === "ops_proxy_open");
    assert.ok(openMap);
    assert.deepEqual([evaluate(openMap, "0:pull"), evaluate(openMap, "0:push")], ["1", "0"]);
  });
});
