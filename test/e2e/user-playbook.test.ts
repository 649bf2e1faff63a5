/** A user's own TypeScript playbook (`ops run ./site/motd.ts`) on a lab host, through the same engine. */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { hostExec, labUp, readLab } from "../lab/lab.js";
import { writeInventory } from "./helpers/inventory.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";

const MOTD = resolve("test/fixtures/playbooks/motd.ts");

describe("a user's own playbook", function () {
  this.timeout(300_000);

  it("converges a lab host, then a second run changes nothing", async () => {
    await labUp({ el9: 3 });
    const lab = readLab();
    const host = lab.hosts[0];
    assert.ok(host);
    const text = `hello from ops ${Date.now()}`;
    const inv = writeInventory(lab, [{ name: host.name, address: host.address }]);
    const runMotd = () =>
      ops(["run", MOTD, "-i", inv, "-e", JSON.stringify({ motd_text: text }), "--output", "json"]);
    const first = await runMotd();
    assert.equal(first.code, 0, failures(first, host.name).join("; ") + first.stderr);
    assert.equal(summaries(first)[host.name]?.status, "changed");
    assert.equal(await hostExec(host.name, "cat /etc/motd"), `${text}\n`);
    const again = await runMotd();
    assert.equal(summaries(again)[host.name]?.status, "ok");
    assert.equal(summaries(again)[host.name]?.commands, 1);
  });

  it("a module that is not a playbook is a configuration error naming the file", async () => {
    const file = resolve("test/fixtures/playbooks/not-a-playbook.ts");
    const r = await ops(["run", file, "-i", "test/fixtures/inventory/lab/hosts.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${file}.*description must be a string`));
  });
});
