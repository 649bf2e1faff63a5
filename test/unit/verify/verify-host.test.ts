/**
 * verifyHost and runVerify over FakeTransport: one round trip per host, per-check results from
 * the batch's sections, unreachable and dropped hosts, cleanup when the batch fails or is
 * interrupted, names unique per run.
 */
import { inventoryHost } from "../../helpers/inventory-host.js";
import type { InventoryHost } from "../../../src/inventory/types.js";
import { strict as assert } from "node:assert";
import { Redactor } from "../../../src/run/redact.js";
import type { Target } from "../../../src/run/targets.js";
import { FakeTransport, fakeConnector, type FakeOptions } from "../../../src/transport/fake.js";
import type { ExecResult } from "../../../src/transport/transport.js";
import { CleanupRegistry } from "../../../src/verify/cleanup.js";
import { allChecks } from "../../../src/verify/checks.js";
import { renderReport } from "../../../src/verify/format.js";
import { runVerify, verifyExitCode } from "../../../src/verify/verify.js";

const target = (name: string, vars: Record<string, unknown> = {}): Target => ({
  host: inventoryHost(name),
  vars,
});

const RUNNING =
  'client 20.10.24\nvalidate no\ninfo {"ServerVersion":"20.10.24","Driver":"overlay2","CgroupDriver":"systemd","RegistryConfig":{"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{},"Mirrors":[]}}\n';

/** What each section prints, by a word its script contains; the token is read from the script. */
function sectionOutput(script: string, failPull: boolean): { code: number; output: string } {
  const token = /ops-verify-token-[0-9a-f]+/.exec(script)?.[0] ?? "";
  if (script.includes("systemctl")) return { code: 0, output: "active active\nenabled enabled\n" };
  if (script.includes("status absent")) return { code: 0, output: RUNNING };
  if (script.includes("docker pull"))
    return failPull ? { code: 1, output: "denied\n" } : { code: 0, output: "ok\n" };
  if (script.includes("httpd")) return { code: 0, output: `port 49153\nbody ${token}\n` };
  if (script.includes("--network host"))
    return {
      code: 0,
      output:
        "host-hostname h\nhost-links eth0 lo\ncontainer-hostname h\ncontainer-links\n1: lo: <>\n2: eth0@if3: <>\n",
    };
  if (script.includes("--network none")) return { code: 0, output: "container-links\n1: lo: <>\n" };
  if (script.includes("--network container:"))
    return { code: 0, output: "first 172.17.0.2\njoined\n21: eth0    inet 172.17.0.2/16 brd\n" };
  return { code: 0, output: `read ${token}\n` };
}

/** Answers a batch like a healthy (or pull-failing) host would, honouring the skip gates. */
function answerBatch(script: string, failPull = false): ExecResult {
  const nonce = /@@verify-([0-9a-f]+)-begin-0@@/.exec(script)?.[1];
  if (!nonce) return { code: 0, stdout: "", stderr: "" };
  const bodies = script.split(/printf '%s\\n' '@@verify-[0-9a-f]+-begin-\d+@@'\n/).slice(1);
  const codes: number[] = [];
  const out = bodies.map((body, i) => {
    const needs = [...(body.split("\n")[0] ?? "").matchAll(/\$s(\d+)/g)].map((m) => Number(m[1]));
    const begin = `@@verify-${nonce}-begin-${i}@@\n`;
    if (needs.some((n) => codes[n] !== 0)) {
      codes[i] = -1;
      return `${begin}@@verify-${nonce}-skip-${i}@@\n\n@@verify-${nonce}-end-${i}@@ skip\n`;
    }
    const { code, output } = sectionOutput(body, failPull);
    codes[i] = code;
    return `${begin}${output}\n@@verify-${nonce}-end-${i}@@ ${code}\n`;
  });
  return { code: 0, stdout: out.join(""), stderr: "" };
}

const deps = (transports: Record<string, FakeTransport>, cleanups?: CleanupRegistry) => ({
  connect: (h: InventoryHost) => fakeConnector(transports)(h.name),
  redactor: new Redactor([]),
  now: () => Date.now(),
  ...(cleanups ? { cleanups } : {}),
});

const fakeHost = (name: string, failPull = false, options: FakeOptions = {}) =>
  new FakeTransport(name, (script) => answerBatch(script, failPull), options);

describe("runVerify", () => {
  it("passes every check of a healthy host in one round trip", async () => {
    const web1 = fakeHost("web1");
    const report = await runVerify([target("web1")], { forks: 5 }, deps({ web1 }));
    const [h] = report.hosts;
    assert.deepEqual(
      h?.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.message}`),
      [],
    );
    assert.equal(h?.checks.length, allChecks.length);
    assert.equal(web1.commandCount, 1);
    assert.equal(report.ok, true);
    assert.equal(verifyExitCode(report), 0);
    assert.equal(web1.closed, true);
  });

  it("a failed pull fails image.pull and reports the containers as not run, not as passed", async () => {
    const web1 = fakeHost("web1", true);
    const report = await runVerify([target("web1")], { forks: 5 }, deps({ web1 }));
    const byId = new Map(report.hosts[0]?.checks.map((c) => [c.id, c]));
    assert.equal(byId.get("image.pull")?.status, "fail");
    assert.equal(byId.get("engine.active")?.status, "pass");
    for (const id of ["network.bridge", "network.container", "volume.named", "volume.volumes-from"]) {
      assert.equal(byId.get(id)?.status, "error", id);
      assert.match(byId.get(id)?.message ?? "", /^not run: image.pull/);
    }
    assert.equal(verifyExitCode(report), 2);
  });

  it("an unreachable host is reported as such and never stops the others", async () => {
    const web1 = fakeHost("web1");
    const report = await runVerify([target("down"), target("web1")], { forks: 1 }, deps({ web1 }));
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.status]),
      [
        ["down", "unreachable"],
        ["web1", "passed"],
      ],
    );
    assert.match(report.hosts[0]?.error?.message ?? "", /connection refused/);
    assert.equal(verifyExitCode(report), 2);
    assert.match(renderReport(report, "pretty"), /down: UNREACHABLE/);
  });

  it("when the batch dies mid-way, cleanup runs on the host and every check is an error", async () => {
    let n = 0;
    const web1 = new FakeTransport("web1", () => {
      n++;
      if (n === 1) throw new Error("channel broke");
      return { code: 0, stdout: "", stderr: "" };
    });
    const report = await runVerify([target("web1")], { forks: 1, runId: "abc123" }, deps({ web1 }));
    assert.equal(web1.calls.length, 2);
    assert.match(web1.calls[1]?.script ?? "", /docker ps -aq --filter name=ops-verify-abc123-/);
    assert.ok(report.hosts[0]?.checks.every((c) => c.status === "error"));
    assert.equal(report.hosts[0]?.status, "failed");
  });

  it("names are unique per run: two runs use different prefixes everywhere", async () => {
    const a = fakeHost("web1");
    const b = fakeHost("web1");
    const r1 = await runVerify([target("web1")], { forks: 1 }, deps({ web1: a }));
    const r2 = await runVerify([target("web1")], { forks: 1 }, deps({ web1: b }));
    assert.notEqual(r1.runId, r2.runId);
    const names = (s: string) =>
      new Set(
        (s.match(/ops-verify-[0-9a-z]+-[a-z-]+/g) ?? []).filter((n) => !n.startsWith("ops-verify-token")),
      );
    const n1 = names(a.calls[0]?.script ?? "");
    assert.ok(n1.size >= 8, `many named objects: ${[...n1].join(" ")}`);
    for (const n of names(b.calls[0]?.script ?? "")) assert.ok(!n1.has(n), `${n} reused`);
    for (const n of n1) assert.ok(n.startsWith(`ops-verify-${r1.runId}-`));
  });

  it("the host's variables decide the image and the desired mirrors", async () => {
    const web1 = fakeHost("web1");
    const vars = { verify_image: "registry.lan/tools/busybox:1.36", registry_mirrors: ["http://m:5000"] };
    const report = await runVerify([target("web1", vars)], { forks: 1 }, deps({ web1 }));
    assert.match(web1.calls[0]?.script ?? "", /docker pull registry.lan\/tools\/busybox:1.36/);
    const mirrors = report.hosts[0]?.checks.find((c) => c.id === "config.registry-mirrors");
    assert.equal(mirrors?.status, "fail");
    assert.equal(mirrors?.expected, "http://m:5000");
    assert.equal(mirrors?.actual, "(none)");
  });
});

describe("CleanupRegistry (SIGINT)", () => {
  it("runs the cleanup of a host whose batch is still running, then closes it", async () => {
    let release: (() => void) | undefined;
    const cleanups = new CleanupRegistry();
    const web1 = new FakeTransport("web1", (script) =>
      script.includes("@@verify-")
        ? new Promise<ExecResult>((resolve) => {
            release = () => resolve({ code: 143, stdout: "", stderr: "" });
          })
        : { code: 0, stdout: "", stderr: "" },
    );
    const running = runVerify([target("web1")], { forks: 1, runId: "sig1" }, deps({ web1 }, cleanups));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(cleanups.hosts, ["web1"]);
    const done = await cleanupsDone(cleanups);
    assert.deepEqual(done, ["web1"]);
    assert.match(web1.calls[1]?.script ?? "", /name=ops-verify-sig1-/);
    assert.equal(web1.closed, true);
    release?.();
    await running;
    assert.deepEqual(cleanups.hosts, []);
  });

  it("gives up after its time bound when a host does not answer", async () => {
    const cleanups = new CleanupRegistry();
    const stuck = new FakeTransport("stuck", () => new Promise<ExecResult>(() => undefined));
    cleanups.add("stuck", stuck, "cleanup");
    const t0 = Date.now();
    assert.deepEqual(await cleanups.cleanupAll(50), []);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(stuck.closed, true);
  });
});

const cleanupsDone = (c: CleanupRegistry) => c.cleanupAll(1000);
