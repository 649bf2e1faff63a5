/**
 * Step scripts run for real with sh in a temp directory: the file write, the daemon.json write with
 * validation (stubbed dockerd), and the gpg key fetched by the host and verified by ops.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { daemonJson } from "../../../src/engine/daemon-json.js";
import { file } from "../../../src/resources/file.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
import { signingKey } from "../../../src/resources/signing-key.js";
import type { Step } from "../../../src/resources/resource.js";
import { box, plan, run, steps, stub, useSandbox } from "./sandbox.js";

describe("step scripts, run for real", () => {
  useSandbox();

  it("file: creates atomically with the mode, then is a no-op", () => {
    const path = join(box.dir, "etc", "it's here.conf");
    const r = file({ path, content: "a=1\n", mode: "0640" });
    for (const s of steps(plan(r))) assert.equal(run(s).code, 0);
    assert.equal(readFileSync(path, "utf8"), "a=1\n");
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.match((plan(r) as { reason: string }).reason, /is up to date \(sha256 [0-9a-f]{8}\)/);
  });

  it("file: backup, mode-only drift, and the changed-since-gathered guard", () => {
    const path = join(box.dir, "x.conf");
    writeFileSync(path, "old\n");
    const [write] = steps(plan(file({ path, content: "new\n", backup: true, mode: "0600" })));
    writeFileSync(path, "edited meanwhile\n");
    const refused = run(write as Step);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /changed since facts were gathered/);
    assert.equal(readFileSync(path, "utf8"), "edited meanwhile\n");
    for (const s of steps(plan(file({ path, content: "new\n", backup: true, mode: "0600" }))))
      assert.equal(run(s).code, 0);
    assert.equal(readFileSync(path, "utf8"), "new\n");
    assert.ok(
      spawnSync("sh", ["-c", `ls ${JSON.stringify(box.dir)} | grep -q '^x.conf.ops-.*\\.bak$'`]).status === 0,
    );
    chmodSync(path, 0o644);
    const [chmod] = steps(plan(file({ path, content: "new\n", mode: "0600" })));
    assert.match(chmod?.description ?? "", /mode 0644 -> 0600/);
    assert.equal(run(chmod as Step).code, 0);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("daemon-json: dockerd --validate rejects, daemon.json untouched", () => {
    const path = join(box.dir, "daemon.json");
    writeFileSync(path, '{"log-driver": "journald"}\n');
    stub(
      "docker",
      [
        '[ "$1" = version ] && { echo 25.0.3; exit 0; }',
        `[ "$1" = info ] && { echo '{"ServerVersion":"25.0.3","RegistryConfig":{"Mirrors":[]}}'; exit 0; }`,
      ].join("\n"),
    );
    stub(
      "dockerd",
      '[ "$1" = --help ] && { echo "      --validate   Validate daemon configuration and exit"; exit 0; }\nif grep -q bad "$3"; then echo "unknown key: bad" >&2; exit 1; fi',
    );
    const [bad] = steps(plan(daemonJson({ path, set: { bad: true } })));
    const r = run(bad as Step);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /dockerd rejected the new .*unknown key: bad/s);
    assert.equal(readFileSync(path, "utf8"), '{"log-driver": "journald"}\n');
    assert.ok(!existsSync(`${path}.ops-pending`));
    const [good] = steps(plan(daemonJson({ path, set: { "registry-mirrors": ["https://m.example"] } })));
    assert.equal(run(good as Step).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), {
      "log-driver": "journald",
      "registry-mirrors": ["https://m.example"],
    });
    assert.equal(readFileSync(`${path}.ops-prev`, "utf8"), '{"log-driver": "journald"}\n');
    assert.equal(readFileSync(`${path}.ops-pending`, "utf8"), "prev\n");
  });

  it("signing-key: the host fetches the key (file:// here), ops verifies it, the step writes those bytes", () => {
    const key = fileURLToPath(new URL("../../fixtures/resources/signing-key/test-key.asc", import.meta.url));
    const path = join(box.dir, "pki", "docker-ce.gpg");
    const on = { facts: SAMPLE_HOST_FACTS.el9 };
    const url = `file://${key}`;
    const r = signingKey({
      on,
      name: "docker-ce",
      url,
      fingerprint: "E4C235FC340D6D5406594C3FA090B03F71C49531",
      path,
    });
    const [write, imp] = steps(plan(r));
    assert.match(imp?.script ?? "", /^set -e\nrpm --import /);
    assert.equal(run(write as Step).code, 0);
    assert.ok(readFileSync(path).equals(readFileSync(key)));
    const docker = "060A61C51B558A7F742B77AAC52FEB6B621E9F35";
    const wrong = signingKey({ on, name: "docker-ce", url, fingerprint: docker, path });
    const out = plan(wrong);
    assert.equal(out.kind, "fail");
    assert.match(out.kind === "fail" ? out.message : "", /^fingerprint mismatch: .* expected 060A 61C5/);
  });
});
