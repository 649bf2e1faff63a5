/** The docker handlers run for real against stubbed systemctl/docker/journalctl: apply, wait, roll back. */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Step } from "../../../src/resources/resource.js";
import { box, run, useSandbox } from "../resources/sandbox.js";
import { dockerHandlers } from "../../../src/engine/handlers.js";

describe("docker handlers, run for real", () => {
  useSandbox();

  it("handler: the engine does not come back, the previous daemon.json is restored", () => {
    const path = join(box.dir, "daemon.json");
    writeFileSync(path, '{"bad": 1}\n');
    writeFileSync(`${path}.ops-prev`, "{}\n");
    writeFileSync(`${path}.ops-pending`, "prev\n");
    writeFileSync(join(box.dir, "active"), "");
    const [, restart] = dockerHandlers({ daemonJson: path, timeoutSeconds: 2 });
    const r = run((restart as { step: Step }).step);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not answer after restart; restored the previous .*bad key/s);
    assert.equal(readFileSync(path, "utf8"), "{}\n");
    assert.ok(!existsSync(`${path}.ops-pending`) && !existsSync(`${path}.ops-prev`));
    assert.match(
      readFileSync(join(box.dir, "systemctl.log"), "utf8"),
      /restart docker\nreset-failed docker\nrestart docker/,
    );
  });

  it("handler: a new daemon.json that breaks the engine is removed", () => {
    const path = join(box.dir, "daemon.json");
    writeFileSync(path, '{"bad": 1}\n');
    writeFileSync(`${path}.ops-pending`, "new\n");
    writeFileSync(join(box.dir, "active"), "");
    const [reload] = dockerHandlers({ daemonJson: path, timeoutSeconds: 1 });
    const r = run((reload as { step: Step }).step);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /removed the new/);
    assert.ok(!existsSync(path));
  });

  it("handler: success keeps ops-prev, clears pending; inactive docker is left alone", () => {
    const path = join(box.dir, "daemon.json");
    writeFileSync(path, "{}\n");
    writeFileSync(`${path}.ops-prev`, "{}\n");
    writeFileSync(`${path}.ops-pending`, "prev\n");
    const [reload] = dockerHandlers({ daemonJson: path });
    const idle = run((reload as { step: Step }).step);
    assert.equal(idle.code, 0);
    assert.ok(existsSync(`${path}.ops-pending`));
    writeFileSync(join(box.dir, "active"), "");
    writeFileSync(join(box.dir, "answers"), "");
    assert.equal(run((reload as { step: Step }).step).code, 0);
    assert.ok(existsSync(`${path}.ops-prev`) && !existsSync(`${path}.ops-pending`));
  });

  it("handler: without a pending daemon.json nothing is rolled back", () => {
    const path = join(box.dir, "daemon.json");
    writeFileSync(path, '{"worked": "before"}\n');
    writeFileSync(`${path}.ops-prev`, "{}\n");
    writeFileSync(join(box.dir, "active"), "");
    const [, restart] = dockerHandlers({ daemonJson: path, timeoutSeconds: 1 });
    const r = run((restart as { step: Step }).step);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not answer after restart\. docker said/);
    assert.equal(readFileSync(path, "utf8"), '{"worked": "before"}\n');
  });
});
