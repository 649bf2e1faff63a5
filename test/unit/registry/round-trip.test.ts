/**
 * verify's round trip (round-trip.ts, round-trip-check.ts): what it names from the run id, when it
 * runs at all, how each host's pull is judged, and the registry host's cleanup run by a real sh
 * over a Distribution storage tree (the test image's repository and blobs go, a blob another
 * repository links stays).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployRegistryVars } from "../../../playbooks/deploy-registry.vars.js";
import { FactSet } from "../../../src/facts/fact.js";
import type { RunStepContext } from "../../../src/playbook.js";
import { ROUND_TRIP_CHECK, roundTripCheck } from "../../../src/registry/round-trip-check.js";
import {
  purgeScript,
  roundTripPlan,
  type RoundTripOutput,
  type RoundTripPlan,
} from "../../../src/registry/round-trip.js";
import { TLS_STEP, type TlsOutput } from "../../../src/registry/tls-step.js";
import { SAMPLE_VARS, varsWith } from "./support/sample.js";

const reg = { name: "reg1", address: "10.0.0.5", groups: ["all", "registry"] };
const engine = { name: "eng1", address: "10.0.0.6", groups: ["all", "engines"] };
const tls: TlsOutput = {
  registries: [
    { host: "reg1", endpoint: "10.0.0.5:443", proxyEndpoint: null, tls: true, caPem: "CA", server: null },
  ],
};

function context(
  over: Partial<RunStepContext<DeployRegistryVars>> = {},
  vars: DeployRegistryVars = varsWith(SAMPLE_VARS),
): RunStepContext<DeployRegistryVars> {
  return {
    targets: [
      { host: reg, vars },
      { host: engine, vars },
    ],
    inventoryDir: "/tmp",
    check: true,
    command: "verify",
    runId: "1a2b3c",
    outputs: { [TLS_STEP]: tls },
    exec: () => Promise.reject(new Error("not here")),
    secret: () => undefined,
    results: [],
    signal: new AbortController().signal,
    ...over,
  };
}

const planOf = (ctx: RunStepContext<DeployRegistryVars>): RoundTripPlan => {
  const p = roundTripPlan(ctx);
  assert.ok(p !== null && "plan" in p, JSON.stringify(p));
  return p.plan;
};

const pushed: RoundTripOutput = {
  status: "pushed",
  endpoint: "10.0.0.5:443",
  repository: "ops-verify/1a2b3c",
  digest: `sha256:${"a".repeat(64)}`,
  configDir: "/run/ops-verify-1a2b3c",
};

function judge(out: RoundTripOutput, code: number, output: string) {
  const check = roundTripCheck(out, true);
  const values = new Map<string, unknown>(check.facts.map((f) => [f.name, { code, output }]));
  return { check, result: check.judge(new FactSet(values)) };
}

describe("verify's registry round trip", () => {
  it("names the repository (in the verify project, never a team's), the image and the host folder from the run id, and pushes as the first system admin at the host's address", () => {
    const a = planOf(context());
    const b = planOf(context());
    assert.equal(a.repository, "ops-verify/1a2b3c");
    assert.equal(a.configDir, "/run/ops-verify-1a2b3c");
    assert.equal(a.registryHost, "reg1");
    assert.equal(a.endpoint, "10.0.0.5:443");
    assert.deepEqual(a.api, { url: "https://10.0.0.5:443", ca: "CA" });
    assert.equal(a.storage, "/var/lib/ops-registry/registry/docker/registry/v2");
    const admin = SAMPLE_VARS.registry_users.find((u) => u.admin === true);
    assert.equal(a.account.user, admin?.name);
    // The cleanup rebuilds the same image from the run id alone: same digests.
    assert.equal(a.image.index.digest, b.image.index.digest);
    assert.notEqual(planOf(context({ runId: "ffff" })).image.index.digest, a.image.index.digest);
    assert.equal(a.image.platforms.length, 4);
  });

  it("runs only under ops verify; without the registry host it is not applicable; without an admin it cannot run; it needs no project", () => {
    assert.equal(roundTripPlan(context({ command: "run" })), null);
    assert.equal(roundTripPlan(context({ command: "check" })), null);
    const absent = varsWith({ ...SAMPLE_VARS, registry_state: "absent" });
    assert.equal(roundTripPlan(context({}, absent)), null);
    const limited = roundTripPlan(
      context({
        targets: [{ host: engine, vars: varsWith(SAMPLE_VARS) }],
        outputs: { [TLS_STEP]: { registries: [{ ...tls.registries[0]!, host: null }] } },
      }),
    );
    assert.ok(limited !== null && "status" in limited && limited.status === "skipped");
    const noAdmin = varsWith({
      ...SAMPLE_VARS,
      registry_users: SAMPLE_VARS.registry_users.map((u) => ({ ...u, admin: false })),
    });
    const p = roundTripPlan(context({}, noAdmin));
    assert.ok(p !== null && "status" in p && p.status === "not-run");
    assert.match(p.message, /no system admin/);
    assert.ok(planOf(context({}, varsWith({ ...SAMPLE_VARS, registry_projects: [] }))));
  });

  it("pulls anonymously, from a new empty docker config folder, and judges it: the digest pulled passes; no CA, plain HTTP and a refusal fail, each saying why", () => {
    const ok = judge(
      pushed,
      0,
      `Digest: ${pushed.digest}\n10.0.0.5:443/${pushed.repository}@${pushed.digest}\n`,
    );
    assert.equal(ok.check.id, ROUND_TRIP_CHECK);
    assert.equal(ok.result.status, "pass");
    assert.match(ok.result.message, /^pulled 10\.0\.0\.5:443\/ops-verify\/1a2b3c@sha256:a{64}$/);
    assert.match(
      ok.check.cleanup ?? "",
      /docker rmi .*ops-verify\/1a2b3c@sha256:a{64}.*rm -rf '?\/run\/ops-verify-1a2b3c/s,
    );
    const probe = ok.check.facts[0]?.probe ?? "";
    assert.match(probe, /^mkdir -m 700 '?\/run\/ops-verify-1a2b3c'? \|\| exit/m);
    assert.match(probe, /DOCKER_CONFIG='?\/run\/ops-verify-1a2b3c'? docker pull/);
    const x509 = judge(
      pushed,
      1,
      'Error response from daemon: Get "https://10.0.0.5:443/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    );
    assert.equal(x509.result.status, "fail");
    assert.match(
      x509.result.message,
      /does not trust 10\.0\.0\.5:443: no CA it accepts in \/etc\/docker\/certs\.d\/10\.0\.0\.5:443/,
    );
    const http = judge(pushed, 1, "http: server gave HTTP response to HTTPS client");
    assert.match(http.result.message, /insecure-registries is missing/);
    const denied = judge(pushed, 1, "unauthorized: authentication required");
    assert.match(denied.result.message, /refused the anonymous pull/);
    const other = judge(pushed, 0, "pulled something else");
    assert.equal(other.result.status, "fail");
  });

  it("a push that failed is an error on every host, and a round trip that does not apply is not-applicable, never a pass", () => {
    const failed = roundTripCheck(
      { status: "not-run", message: "the test image was not pushed: HTTP 503" },
      true,
    );
    assert.equal(failed.judge(new FactSet(new Map())).status, "error");
    assert.equal(failed.cleanup, undefined);
    const skipped = roundTripCheck({ status: "skipped", message: "no registry host" }, true);
    assert.equal(skipped.judge(new FactSet(new Map())).status, "not-applicable");
  });

  it("the registry host's cleanup removes the run's repository and the blobs nothing else links, and keeps a shared blob", () => {
    const plan = planOf(context());
    const root = mkdtempSync(join(tmpdir(), "ops-rt-"));
    try {
      const storage = join(root, "v2");
      const p = { ...plan, storage };
      const hexes = [...plan.image.platforms.flatMap((i) => [...i.blobs, i.manifest]), plan.image.index].map(
        (d) => d.digest.slice(7),
      );
      const blobDir = (h: string) => join(storage, "blobs/sha256", h.slice(0, 2), h);
      const link = (repo: string, h: string) => {
        mkdirSync(join(storage, "repositories", repo, "_layers/sha256", h), { recursive: true });
        writeFileSync(join(storage, "repositories", repo, "_layers/sha256", h, "link"), `sha256:${h}`);
      };
      for (const h of hexes) {
        mkdirSync(blobDir(h), { recursive: true });
        writeFileSync(join(blobDir(h), "data"), "x");
        link(plan.repository, h);
      }
      const shared = hexes[0]!;
      link("team/app", shared);
      const out = execFileSync("sh", ["-c", purgeScript(p)], { encoding: "utf8" });
      assert.equal(existsSync(join(storage, "repositories", plan.repository)), false);
      assert.equal(
        existsSync(join(storage, "repositories/ops-verify")),
        false,
        "the emptied project folder goes",
      );
      assert.ok(existsSync(join(storage, "repositories/team/app")));
      assert.ok(existsSync(blobDir(shared)), "a blob another repository links is kept");
      for (const h of hexes.filter((x) => x !== shared)) assert.equal(existsSync(blobDir(h)), false, h);
      assert.equal(out.match(/collected sha256:/g)?.length, new Set(hexes).size - 1);
      // Emptied prefix folders go too; a second cleanup finds nothing and is no error.
      const prefixes = readdirSync(join(storage, "blobs/sha256"));
      assert.deepEqual(prefixes, [shared.slice(0, 2)]);
      assert.equal(execFileSync("sh", ["-c", purgeScript(p)], { encoding: "utf8" }), "");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
