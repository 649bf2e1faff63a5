// End to end: the per-container checks (CIS 4.1 and section 5) of `ops check` (the built CLI) on one
// lab host. One clean container passes everything; for each check, one container started with only
// that check's offending option fails exactly that check, named in its verdict, all judged by one
// `ops check` in one round trip. Run it under `flock /tmp/ops-lab.lock` after `npm run build`.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { bridgeNetwork } from "../../src/compliance/facts/bridge-network.js";
import { containers } from "../../src/compliance/facts/containers.js";
import { images } from "../../src/compliance/facts/images.js";
import { buildProbe, makeNonce, parseProbeOutput } from "../../src/facts/gather.js";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { CLEAN_CONTAINER, convergeHardened, LAB_WAIVERS, runCheck } from "./helpers/compliance.js";

const HOST = "el9-1";
const NET = "ops-e2e-net";
const IMAGE = "busybox";
/** A script whose process name (comm) is sshd: the kernel names a script's process after the script. */
const SSHD =
  "sh -c 'printf \"#!/bin/sh\\nwhile :; do sleep 60; done\\n\" > /tmp/sshd && chmod +x /tmp/sshd && exec /tmp/sshd'";

interface Offender {
  /** Options of CLEAN_CONTAINER left out. */
  drop?: string[];
  /** Options added. */
  add?: string;
  command?: string;
}

/** Per check, what its container does differently from a clean one. */
function offenders(cgroupParent: string): Record<string, Offender> {
  return {
    "cis.4.1": { drop: ["--user 1000:1000"] },
    "cis.5.4": { add: "--cap-add NET_ADMIN" },
    "cis.5.6": { add: "-v /etc:/hostetc:ro" },
    "cis.5.7": { add: "--tmpfs /tmp:exec", command: SSHD },
    "cis.5.8": { add: "-p 127.0.0.1:80:8080" },
    "cis.5.12": { drop: ["--cpu-shares 512"] },
    "cis.5.13": { drop: ["--read-only"] },
    "cis.5.14": { add: "-p 18080:8080" },
    "cis.5.15": { add: "--restart always" },
    "cis.5.16": { add: "--pid host" },
    "cis.5.17": { add: "--ipc host" },
    "cis.5.20": { add: "-v /srv/ops-e2e-shared:/data:rshared" },
    "cis.5.21": { add: "--uts host" },
    "cis.5.22": { add: "--security-opt seccomp=unconfined" },
    "cis.5.25": { add: `--cgroup-parent ${cgroupParent}` },
    "cis.5.26": {
      drop: ["--security-opt no-new-privileges"],
      add: "--security-opt no-new-privileges=false",
    },
    "cis.5.27": { drop: ["--health-cmd true"] },
    "cis.5.29": { drop: ["--pids-limit 64"] },
    "cis.5.30": { drop: [`--network ${NET}`], add: "--network bridge" },
    "cis.5.31": { add: "--userns host" },
  };
}

/** ops-e2e-5-22 for cis.5.22. */
const nameFor = (id: string) => `ops-e2e-${id.replace("cis.", "").replaceAll(".", "-")}`;
const PER_CONTAINER = /^cis\.(4\.1|5\.)/;

function runLine(name: string, o: Offender): string {
  let opts = CLEAN_CONTAINER;
  for (const d of o.drop ?? []) {
    assert.ok(opts.includes(d), `${d} is a clean option`);
    opts = opts.replace(d, "");
  }
  return `docker run -d --name ${name} ${opts} ${o.add ?? ""} ${IMAGE} ${o.command ?? "sleep 900"} >/dev/null`;
}

describe("ops check per container (lab)", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  const work = mkdtempSync(join(tmpdir(), "ops-compliance-containers-e2e-"));
  const waivers = join(work, "lab-waivers.yaml");
  writeFileSync(waivers, stringify({ waivers: LAB_WAIVERS }));
  // The default bridge (5.30) is CIS level 2: included so its container is judged too.
  const policy = join(work, "policy.yaml");
  writeFileSync(policy, stringify({ include: ["cis.5.30"] }));

  before(async () => {
    await labUp({ el9: 3 });
    await recreateHost(HOST);
    lab = readLab();
    inventory = await convergeHardened(lab, [HOST]);
    await hostExec(HOST, "docker pull -q busybox >/dev/null");
  });

  after(async () => {
    await hostExec(
      HOST,
      `docker ps -aq --filter name=ops-e2e- | xargs -r docker rm -f >/dev/null; docker network rm ${NET} >/dev/null 2>&1; true`,
    );
  });

  it("each offending option fails exactly its check, naming its container; a clean container fails none", async () => {
    const driver = (await hostExec(HOST, "docker info --format '{{.CgroupDriver}}'")).trim();
    const all = offenders(driver === "systemd" ? "ops-e2e.slice" : "/ops-e2e");
    const lines = [
      "set -e",
      // A bind mount can propagate shared only from a shared mount: make the source one.
      "mkdir -p /srv/ops-e2e-shared && mount --bind /srv/ops-e2e-shared /srv/ops-e2e-shared && mount --make-shared /srv/ops-e2e-shared",
      `docker network create ${NET} >/dev/null`,
      runLine("ops-e2e-clean", {}),
      ...Object.entries(all).map(([id, o]) => runLine(nameFor(id), o)),
    ];
    await hostExec(HOST, lines.join("\n"));
    const running = (await hostExec(HOST, "docker ps --format '{{.Names}}' --filter name=ops-e2e-")).trim();
    assert.equal(running.split("\n").length, Object.keys(all).length + 1, running);

    const c = await runCheck(inventory, lab, ["--waivers", waivers, "--policy", policy]);
    assert.equal(c.hosts[HOST]?.commands, 1, "one round trip");
    const failing = c.failing(HOST).filter((id) => PER_CONTAINER.test(id));
    assert.deepEqual(failing.sort(), Object.keys(all).sort(), c.result.stderr);
    const id = (name: string) => hostExec(HOST, `docker inspect --format '{{.Id}}' ${name}`);
    for (const check of Object.keys(all)) {
      const o = c.outcome(HOST, check);
      const name = nameFor(check);
      assert.deepEqual(o?.subjects, [name], `${check}: ${o?.message}`);
      const short = (await id(name)).trim().slice(0, 12);
      assert.match(o?.message ?? "", new RegExp(`^1 running container: ${name} \\(${short}, ${IMAGE}\\): `));
      assert.match(o?.evidence.outputTail ?? "", new RegExp(`${name} \\(${short}, ${IMAGE}\\): `));
      assert.ok(o?.expected && o.actual && o.hint, `${check} shows expected, actual and a hint`);
    }
    // Nothing else on the host fails: the clean container and the daemon pass. The one image, busybox,
    // has no HEALTHCHECK: 4.6 names it.
    assert.deepEqual(
      c.failing(HOST).filter((x) => !PER_CONTAINER.test(x)),
      ["cis.4.6"],
    );
    assert.match(
      c.outcome(HOST, "cis.4.6")?.message ?? "",
      /^1 of 1 images have no HEALTHCHECK: busybox:latest \([0-9a-f]{12}\)$/,
    );
    assert.equal(c.code, 3);
  });

  it("the engine's API over its socket reads the same containers, images and bridge as the docker CLI", async () => {
    // The containers of the test above are still running: 21 of them, with every offending option.
    const facts = [containers, images, bridgeNetwork];
    const read = async (prefix: string) => {
      const nonce = makeNonce();
      const set = parseProbeOutput(facts, await hostExec(HOST, prefix + buildProbe(facts, nonce)), nonce);
      return facts.map((f) => ({ value: set.get<unknown>(f), output: set.probeOf(f)?.output ?? "" }));
    };
    const api = await read("");
    // With DOCKER_HOST set the probes leave the socket alone and ask the docker CLI.
    const cli = await read("export DOCKER_HOST=unix:///var/run/docker.sock\n");
    assert.deepEqual(
      api.map((a) => a.output.split("\n")[0]?.replace(/ \d+$/, "")),
      ["api-containers", "api-images", "api"],
    );
    assert.deepEqual(
      cli.map((a) => a.output.split("\n")[0]?.replace(/ \d+$/, "")),
      ["containers", "images", "options"],
    );
    assert.ok((api[0]?.value as { containers: unknown[] }).containers.length >= 21);
    // A process's pid is left out: the sshd container's `sleep 60` may be a new one a moment later.
    const samePids = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v, (k, x: unknown) => (k === "pid" && typeof x === "number" ? 0 : x)),
      ) as unknown;
    facts.forEach((f, i) => assert.deepEqual(samePids(api[i]?.value), samePids(cli[i]?.value), f.name));
    const record = process.env.OPS_RECORD_DIR;
    if (record !== undefined)
      facts.forEach((f, i) => {
        writeFileSync(join(record, `${f.name}.api.txt`), api[i]?.output ?? "");
        writeFileSync(join(record, `${f.name}.cli.txt`), cli[i]?.output ?? "");
      });
  });
});
