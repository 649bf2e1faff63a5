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

    // The playbook's own check, run by `ops verify -p`: passes now, fails with expected beside actual
    // once the banner is changed by hand.
    const verifyMotd = () =>
      ops(["verify", "-p", MOTD, "-i", inv, "-e", JSON.stringify({ motd_text: text }), "--output", "json"]);
    const proved = await verifyMotd();
    assert.equal(proved.code, 0, proved.stderr);
    const checks = summaries(proved)[host.name]?.checks ?? [];
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [["motd.text", "pass"]],
    );
    assert.equal(summaries(proved)[host.name]?.commands, 1);
    await hostExec(host.name, "echo tampered > /etc/motd");
    const broken = await verifyMotd();
    assert.equal(broken.code, 2);
    const failed = summaries(broken)[host.name]?.checks[0];
    assert.equal(failed?.status, "fail");
    assert.equal(failed?.expected, text);
    assert.equal(failed?.actual, "tampered");
  });

  it("a module that is not a playbook is a configuration error naming the file", async () => {
    const file = resolve("test/fixtures/playbooks/not-a-playbook.ts");
    const r = await ops(["run", file, "-i", "test/fixtures/inventory/lab/hosts.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${file}.*description must be a string`));
  });
});
