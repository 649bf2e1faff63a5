/** A user's own TypeScript playbook (`ops run ./site/motd.ts`) on a lab host, through the same engine. */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { hostExec, labUp, readLab } from "../lab/lab.js";
import { writeInventory } from "./helpers/inventory.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";

const MOTD = resolve("test/fixtures/playbooks/motd.ts");
const WEB = resolve("test/fixtures/playbooks/compose-web.ts");

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

  it("a compose project of its own: up once healthy, a no-op, recreated when its configuration changes, verified, removed keeping its data", async () => {
    await labUp({ el9: 3 });
    const lab = readLab();
    const host = lab.hosts.filter((h) => h.kind === "el9")[1];
    assert.ok(host);
    const inv = writeInventory(lab, [{ name: host.name, address: host.address }]);
    const ok = (r: Awaited<ReturnType<typeof ops>>) =>
      assert.equal(r.code, 0, failures(r, host.name).join("; ") + r.stderr);
    // The engine and its compose plugin (a no-op where another scenario installed them).
    ok(await ops(["run", "install-engine", "-i", inv, "--output", "json"]));
    const web = (cmd: "run" | "verify", vars: Record<string, unknown>) =>
      ops([
        cmd,
        ...(cmd === "verify" ? ["-p"] : []),
        WEB,
        "-i",
        inv,
        "-e",
        JSON.stringify(vars),
        "--output",
        "json",
      ]);
    const id = () => hostExec(host.name, "docker compose -p web ps -q web");
    const page = () => hostExec(host.name, "curl -fsS http://127.0.0.1:8089/");

    const first = await web("run", { web_message: "one" });
    ok(first);
    assert.equal(summaries(first)[host.name]?.status, "changed");
    // `up --wait` returned once the health check passed: it serves at once.
    assert.equal(await page(), "served by ops\n");
    const before = await id();
    const again = await web("run", { web_message: "one" });
    assert.equal(summaries(again)[host.name]?.status, "ok");
    assert.equal(summaries(again)[host.name]?.commands, 1);

    // A changed input is a new config hash: compose recreates the service, healthy before the run ends.
    const changed = await web("run", { web_message: "two" });
    ok(changed);
    assert.notEqual(await id(), before);
    assert.match(
      await hostExec(host.name, "docker inspect -f '{{json .Config.Env}}' web-web-1"),
      /"MESSAGE=two"/,
    );
    assert.equal(await page(), "served by ops\n");

    const proved = await web("verify", { web_message: "two" });
    ok(proved);
    assert.deepEqual(
      (summaries(proved)[host.name]?.checks ?? []).map((c) => [c.id, c.status]),
      [["compose.web.healthy", "pass"]],
    );
    await hostExec(host.name, "docker stop web-web-1 >/dev/null");
    const broken = await web("verify", { web_message: "two" });
    assert.equal(broken.code, 2);
    assert.equal(summaries(broken)[host.name]?.checks[0]?.message, "not running and healthy: web");

    const gone = await web("run", { web_state: "absent" });
    ok(gone);
    assert.equal(
      await hostExec(host.name, "docker ps -aq --filter label=com.docker.compose.project=web"),
      "",
    );
    assert.equal(await hostExec(host.name, "test -e /opt/ops-web && echo left || echo removed"), "removed\n");
    assert.equal(await hostExec(host.name, "cat /var/lib/ops-web/index.html"), "served by ops\n");
    await hostExec(host.name, "rm -rf /var/lib/ops-web");
  });

  it("a module that is not a playbook is a configuration error naming the file", async () => {
    const file = resolve("test/fixtures/playbooks/not-a-playbook.ts");
    const r = await ops(["run", file, "-i", "test/fixtures/inventory/lab/hosts.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${file}.*description must be a string`));
  });
});
