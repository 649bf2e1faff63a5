import { strict as assert } from "node:assert";
import { ConfigError } from "../../../src/errors.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { mirrorsStep } from "../../../src/wizard/mirrors-step.js";
import type { Login } from "../../../src/wizard/probe-host.js";
import { fakeFleet, fingerprint } from "./support/fake-fleet.js";
import { probed } from "./support/probed.js";
import { accept, answer, enter, scriptedPrompts } from "./support/prompts.js";

const login: Login = { user: "root", auth: "password", password: "pw", become: false };
const LAB = {
  "10.0.0.2/linux/centos/9/x86_64/stable": { code: 200, ms: 4 },
  "10.0.0.4:5000/v2/": { code: 200, ms: 2 },
};

async function fleetOf(urls: Record<string, { code: number; ms: number }>) {
  const fleet = fakeFleet({
    "10.0.0.10": { hostname: "a", fingerprint: fingerprint("a"), password: "pw", urls },
    "10.0.0.11": { hostname: "b", fingerprint: fingerprint("b"), password: "pw", urls },
  });
  return { fleet, hosts: await probed(fleet, "10.0.0.10 10.0.0.11", login) };
}

describe("wizard/mirrors-step", () => {
  it("times every candidate from every host in one round trip each and offers the fastest reachable first", async () => {
    const { fleet, hosts } = await fleetOf(LAB);
    const out: string[] = [];
    const s = scriptedPrompts([
      answer(/own mirror of Docker.s repos/, "http://10.0.0.2/linux/centos"),
      accept(/more \(Enter when done\)/),
      answer(/Registry mirrors to time/, "http://10.0.0.4:5000"),
      accept(/more \(Enter when done\)/),
      {
        expect: /Which docker-ce repo\?[\s\S]*❯ http:\/\/10\.0\.0\.2\/linux\/centos {2}\(fastest\)/,
        keys: [enter],
      },
      {
        expect: /Registry mirrors to use[\s\S]*◉ http:\/\/10\.0\.0\.4:5000 {2}2 ms from 2\/2 hosts/,
        keys: [enter],
      },
    ]);
    const before = fleet.opened.map((o) => o.transport.commandCount);
    const r = await mirrorsStep(terminalAsk(s.prompts), hosts, {
      out: { write: (t) => void out.push(t) },
      say: (l) => void out.push(`${l}\n`),
    });
    s.done();
    assert.deepEqual(
      fleet.opened.map((o, i) => o.transport.commandCount - (before[i] ?? 0)),
      [1, 1],
    );
    assert.deepEqual(
      { repo: r.repo, custom: r.customRepo, mirrors: r.registryMirrors },
      { repo: "http://10.0.0.2/linux/centos", custom: true, mirrors: ["http://10.0.0.4:5000"] },
    );
    const text = out.join("");
    assert.match(
      text,
      /official \(download\.docker\.com\)\s+unreachable from 2\/2 hosts: timed out after 3 s/,
    );
    assert.match(text, /→ http:\/\/10\.0\.0\.2\/linux\/centos\s+4 ms from 2\/2 hosts/);
    assert.match(
      text,
      /Docker Hub itself: unreachable from 2\/2 hosts: timed out after 3 s \(a registry mirror is needed\)/,
    );
    assert.equal(
      r.repoNote,
      "docker-ce repo: the fastest every host reached, timed from 2 host(s):\n" +
        "  official, aliyun, tuna, ustc: unreachable from 2/2 hosts: timed out after 3 s\n" +
        "  http://10.0.0.2/linux/centos: 4 ms from 2/2 hosts",
    );
    // Each host fetched the repo path of its own release and architecture.
    const probe = fleet.opened[0]?.transport.calls.at(-1)?.script ?? "";
    assert.match(
      probe,
      /^ops_fetch 0 https:\/\/download\.docker\.com\/linux\/centos\/9\/x86_64\/stable\/repodata\/repomd\.xml &$/m,
    );
    assert.match(
      probe,
      /^ops_fetch 4 http:\/\/10\.0\.0\.2\/linux\/centos\/9\/x86_64\/stable\/repodata\/repomd\.xml &$/m,
    );
  });

  it("from an answers file: fastest, and a preset by name", async () => {
    const { hosts } = await fleetOf({ ...LAB, "mirrors.aliyun.com": { code: 200, ms: 80 } });
    const say = () => undefined;
    const fastest = fileAsk(
      parseAnswers(
        "yum_repo:\n  candidates: [http://10.0.0.2/linux/centos]\n  choice: fastest\nregistry_mirrors:\n  candidates: [http://10.0.0.4:5000]\n",
        "a.yaml",
      ),
      { env: {}, log: say },
    );
    const r = await mirrorsStep(fastest, hosts, { out: { write: say }, say });
    assert.deepEqual([r.repo, r.registryMirrors], ["http://10.0.0.2/linux/centos", ["http://10.0.0.4:5000"]]);
    const preset = fileAsk(parseAnswers("docker_repo:\n  choice: aliyun\n", "a.yaml"), { env: {}, log: say });
    const p = await mirrorsStep(preset, hosts, { out: { write: say }, say });
    assert.deepEqual([p.repo, p.customRepo, p.registryMirrors], ["aliyun", false, []]);
  });

  it("fastest with nothing reachable is an error at the answer's line", async () => {
    const { hosts } = await fleetOf({});
    const say = () => undefined;
    const ask = fileAsk(parseAnswers("docker_repo:\n  choice: fastest\n", "a.yaml"), { env: {}, log: say });
    await assert.rejects(
      mirrorsStep(ask, hosts, { out: { write: say }, say }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.location.line === 2 &&
        /docker_repo.choice: fastest: no repo candidate answered from every host/.test(e.message),
    );
  });
});
