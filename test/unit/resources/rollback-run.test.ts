/**
 * The generic config rollback, run for real against stubbed systemctl/journalctl with a service
 * that is not Docker: a file written with its pending marker, proven or undone by the start.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteScript } from "../../../src/resources/scripts.js";
import { markPendingLines } from "../../../src/resources/rollback.js";
import { service } from "../../../src/resources/service.js";
import { FactSet } from "../../../src/facts/fact.js";
import { box, run, steps, stub, useSandbox } from "./sandbox.js";

describe("config rollback for any service, run for real", () => {
  useSandbox();

  function write(path: string, content: string): void {
    const r = run({
      description: "write",
      script: atomicWriteScript({
        path,
        mode: "0644",
        beforeMove: markPendingLines(),
      }),
      stdin: content,
    });
    assert.equal(r.code, 0, r.stderr);
  }

  function start(path: string) {
    const webd = service({ name: "webd", verify: `test -e "$STUB/answers"`, config: path });
    stub("journalctl", 'echo "webd: bad listen directive"');
    // Installed, stopped: the plan starts it (the systemd-unit fact as systemctl show gives it).
    const unit = { systemd: true, loaded: true, active: false, enabled: true, loadState: "loaded" };
    const [step] = steps(webd.plan(new FactSet(new Map([["systemd-unit:webd", unit]]))));
    assert.ok(step);
    return run(step);
  }

  it("a new config that keeps the service from answering is undone, with the service's own words", () => {
    const path = join(box.dir, "webd.conf");
    writeFileSync(path, "listen 80\n");
    write(path, "listen bad\n");
    assert.equal(readFileSync(`${path}.ops-pending`, "utf8"), "prev\n");
    const r = start(path);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /webd started but does not answer; restored the previous .* webd said:\nwebd: bad listen/s,
    );
    assert.equal(readFileSync(path, "utf8"), "listen 80\n");
    assert.ok(!existsSync(`${path}.ops-pending`));
  });

  it("a config that works is proven: the pending marker goes, the previous file stays as the backup", () => {
    const path = join(box.dir, "webd.conf");
    write(path, "listen 80\n");
    assert.equal(readFileSync(`${path}.ops-pending`, "utf8"), "new\n");
    writeFileSync(join(box.dir, "answers"), "");
    assert.equal(start(path).code, 0);
    assert.ok(!existsSync(`${path}.ops-pending`));
    assert.equal(readFileSync(path, "utf8"), "listen 80\n");
  });
});
