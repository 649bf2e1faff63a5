/**
 * verify's round trip (round-trip.ts, round-trip-check.ts): what it names from the run id, when it
 * runs at all, how each host's pull is judged, and the registry host's cleanup run by a real sh
 * over a Distribution storage tree (the test image's repository and blobs go, a blob another
 * repository links stays).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployRegistryVars } from "../../../playbooks/deploy-registry.vars.js";
import { FactSet } from "../../../src/facts/fact.js";
import type { RunStepContext } from "../../../src/playbook.js";
import { ROUND_TRIP_CHECK, roundTripCheck } from "../../../src/registry/round-trip-check.js";
import {
  purgeScript,
  roundTripCleanupStep,
  roundTripPlan,
  roundTripPushStep,
  type RoundTripOutput,
  type RoundTripPlan,
} from "../../../src/registry/round-trip.js";
import { bcryptHasher } from "../../../src/registry/htpasswd.js";
import { VERIFY_ROBOT } from "../../../src/registry/model.js";
import { NO_ROBOT_FOLDER } from "../../../src/registry/verify-robot.js";
import type { ExecOptions, ExecResult } from "../../../src/transport/transport.js";
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
  robot: "robot$ops-verify-1a2b3c-1765135000",
};

function judge(out: RoundTripOutput, code: number, output: string) {
  const check = roundTripCheck(out, true);
  const values = new Map<string, unknown>(check.facts.map((f) => [f.name, { code, output }]));
  return { check, result: check.judge(new FactSet(values)) };
}

describe("verify's registry round trip", () => {
  it("names the repository (in the verify project, never a team's), the image and the host folder from the run id, and pushes at the host's address", () => {
    const a = planOf(context());
    const b = planOf(context());
    assert.equal(a.repository, "ops-verify/1a2b3c");
    assert.equal(a.configDir, "/run/ops-verify-1a2b3c");
    assert.equal(a.registryHost, "reg1");
    assert.equal(a.endpoint, "10.0.0.5:443");
    assert.deepEqual(a.api, { url: "https://10.0.0.5:443", ca: "CA" });
    assert.equal(a.storage, "/var/lib/ops-registry/registry/docker/registry/v2");
    assert.equal(a.registryDir, "/opt/ops-registry");
    assert.equal(a.runId, "1a2b3c");
    assert.equal(a.robotTtl, 600, "registry_verify_robot_ttl's default");
    assert.ok(!("account" in a), "no account of the inventory pushes");
    // The cleanup rebuilds the same image from the run id alone: same digests.
    assert.equal(a.image.index.digest, b.image.index.digest);
    assert.notEqual(planOf(context({ runId: "ffff" })).image.index.digest, a.image.index.digest);
    assert.equal(a.image.platforms.length, 4);
  });

  it("runs only under ops verify; without the registry host it is not applicable; it needs no system admin and no project", () => {
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
    assert.ok(planOf(context({}, noAdmin)));
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

/** A registry that takes every push and records who sent each request (its Authorization header). */
async function fakeRegistry(
  status: (method: string) => number,
): Promise<{ server: Server; port: number; auth: string[] }> {
  const auth: string[] = [];
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization ?? "");
    req.resume();
    req.on("end", () => {
      const method = req.method ?? "";
      if (method === "HEAD") res.writeHead(404).end();
      else if (method === "POST") res.writeHead(202, { Location: `${req.url}upload-1` }).end();
      else res.writeHead(status(method)).end(status(method) >= 400 ? "denied" : "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return { server, port: address.port, auth };
}

/** A run's context whose registry host is the fake registry, and every exec recorded. */
function local(port: number, exec: (host: string, script: string, o?: ExecOptions) => ExecResult) {
  const vars = varsWith({ ...SAMPLE_VARS, registry_tls: false, registry_port: port });
  const calls: { host: string; script: string; stdin: string }[] = [];
  const secrets: string[] = [];
  const ctx = context(
    {
      targets: [
        { host: { ...reg, address: "127.0.0.1" }, vars },
        { host: engine, vars },
      ],
      outputs: { [TLS_STEP]: { registries: [{ ...tls.registries[0]!, tls: false, caPem: null }] } },
      exec: (host, script, o) => {
        calls.push({ host, script, stdin: o?.stdin === undefined ? "" : String(o.stdin) });
        return Promise.resolve(exec(host, script, o));
      },
      secret: (v) => void secrets.push(v),
    },
    vars,
  );
  return { ctx, calls, secrets };
}

const ran = (code = 0, stdout = "", stderr = ""): ExecResult => ({ code, stdout, stderr });

describe("verify's robot", () => {
  it("is written on the registry host alone, as a bcrypt hash on stdin, pushes the image and is named in the output; its password is a secret and in no script", async () => {
    const registry = await fakeRegistry(() => 201);
    try {
      const { ctx, calls, secrets } = local(registry.port, () => ran());
      const t0 = Math.floor(Date.now() / 1000);
      const out = (await roundTripPushStep.run(ctx)) as RoundTripOutput;
      assert.equal(out.status, "pushed", JSON.stringify(out));
      assert.ok(out.status === "pushed");
      const m = VERIFY_ROBOT.exec(out.robot);
      assert.ok(m, out.robot);
      assert.equal(m[1], "1a2b3c");
      const expires = Number(m[2]);
      assert.ok(expires >= t0 + 600 && expires <= t0 + 602, `expires ${expires - t0} s ahead`);
      assert.deepEqual(
        calls.map((c) => c.host),
        ["reg1"],
        "only the registry host is told of the robot",
      );
      const [write] = calls;
      assert.match(write!.script, new RegExp(`/opt/ops-registry/nginx/verify/1a2b3c-${expires}\\.htpasswd`));
      const [name, hash] = write!.stdin.trim().split(/:(.*)/s);
      assert.equal(name, out.robot);
      assert.equal(secrets.length, 1);
      const password = secrets[0]!;
      assert.ok(password.length >= 40, "32 random bytes");
      assert.ok(bcryptHasher.matches(password, hash!), "the hash is of the password the push sends");
      assert.ok(!calls.some((c) => c.script.includes(password) || c.stdin.includes(password)));
      // Every request of the push carried the robot's Basic credential, and only it.
      const basic = `Basic ${Buffer.from(`${out.robot}:${password}`).toString("base64")}`;
      assert.ok(registry.auth.length >= 9, `${registry.auth.length} requests`);
      assert.deepEqual(new Set(registry.auth), new Set([basic]));
      assert.ok(!JSON.stringify(out).includes(password), "the output names the robot, never its password");
    } finally {
      registry.server.close();
    }
  });

  it("a registry deployed before verify robots: no folder for them, so nothing is pushed and the hint says to run deploy-registry; a refused push says the same", async () => {
    const registry = await fakeRegistry(() => 201);
    try {
      const old = local(registry.port, () => ran(NO_ROBOT_FOLDER));
      const out = (await roundTripPushStep.run(old.ctx)) as RoundTripOutput;
      assert.equal(out.status, "not-run");
      assert.ok(out.status === "not-run");
      assert.match(
        out.message,
        /no folder for ops verify's robots \(\/opt\/ops-registry\/nginx\/verify\): the registry was deployed before them/,
      );
      assert.match(out.hint ?? "", /run `ops run deploy-registry`/);
      assert.deepEqual(registry.auth, [], "nothing was sent to the registry");
      // The hosts' checks carry the hint: every host is an error that says what to do.
      const check = roundTripCheck(out, true).judge(new FactSet(new Map()));
      assert.equal(check.status, "error");
      assert.match(check.hint ?? "", /run `ops run deploy-registry`/);
    } finally {
      registry.server.close();
    }
    for (const status of [401, 403]) {
      const refusing = await fakeRegistry((method) => (method === "PUT" ? status : 201));
      try {
        const { ctx } = local(refusing.port, () => ran());
        const out = (await roundTripPushStep.run(ctx)) as RoundTripOutput;
        assert.ok(out.status === "not-run", JSON.stringify(out));
        assert.match(
          out.message,
          new RegExp(
            `by robot\\$ops-verify-1a2b3c-[0-9]{10}: blob sha256:[0-9a-f]{64} of ops-verify/1a2b3c: HTTP ${status} denied`,
          ),
        );
        assert.match(
          out.hint ?? "",
          /a registry deployed before ops verify's robots existed refuses them: run `ops run deploy-registry`/,
        );
      } finally {
        refusing.server.close();
      }
    }
    const down = local(1, () => ran(1, "", "No space left on device"));
    const failed = (await roundTripPushStep.run(down.ctx)) as RoundTripOutput;
    assert.ok(failed.status === "not-run");
    assert.match(failed.message, /could not be written on reg1: No space left on device/);
  });

  it("the cleanup removes the run's robot on the registry host first, then the image; the pull folder on every host", async () => {
    const { ctx, calls } = local(1, () => ran());
    await roundTripCleanupStep.run(ctx);
    const mine = calls.find((c) => c.host === "reg1")?.script ?? "";
    const robot = mine.indexOf("/opt/ops-registry/nginx/verify/1a2b3c-[0-9]*.htpasswd");
    assert.ok(robot >= 0, mine);
    assert.ok(robot < mine.indexOf("repositories"), "no push can follow: the robot goes first");
    assert.doesNotMatch(calls.find((c) => c.host === "eng1")?.script ?? "", /verify'?\//);
    // By a real sh: the run's robots go (whatever their expiry), another run's stays.
    const root = mkdtempSync(join(tmpdir(), "ops-rt-"));
    try {
      const dir = join(root, "nginx/verify");
      mkdirSync(dir, { recursive: true });
      for (const f of [
        "1a2b3c-1765135000.htpasswd",
        "1a2b3c-1765135999.htpasswd.tmp",
        "ffff-1765135000.htpasswd",
      ])
        writeFileSync(join(dir, f), "x");
      const script = mine.split("\n")[0]!.replaceAll("/opt/ops-registry", root);
      execFileSync("sh", ["-c", script]);
      assert.deepEqual(readdirSync(dir), ["ffff-1765135000.htpasswd"]);
      execFileSync("sh", ["-c", script]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
