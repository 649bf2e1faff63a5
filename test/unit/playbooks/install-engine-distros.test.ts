/**
 * Every distribution named and routed, through the real probe text: each host's os-release (the
 * distribution's own file, as test/fixtures/facts/os-release holds it; each fixture's `source` says
 * where it was taken from) and the package managers it has are read as the host
 * facts, install-engine lists its resources for them, and the plan says which Docker repository
 * the host gets and which manager installs from it, or why the host is refused before anything changes.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import installEngine from "../../../playbooks/install-engine.js";
import { FactSet, type Fact } from "../../../src/facts/fact.js";
import { parseKernel } from "../../../src/facts/kernel.js";
import { parseOsRelease } from "../../../src/facts/os-release.js";
import { parseCommandsPresent } from "../../../src/facts/commands-present.js";
import { MANAGER_COMMANDS } from "../../../src/packages/index.js";
import { packageSystemOf } from "../../../src/packages/host-facts.js";
import { planHost } from "../../../src/plan/plan-host.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const osText = (name: string): string =>
  (JSON.parse(readFileSync(`test/fixtures/facts/os-release/${name}.json`, "utf8")) as { stdout: string })
    .stdout;

/** What a converged-nothing host answers: key trusted, no repo file, no package installed. */
function valueOf(fact: Fact<unknown>, os: string): unknown {
  if (fact.name === "os-release") return parseOsRelease(os);
  if (fact.name === "kernel") return parseKernel("5.14.0-427.el9.x86_64 x86_64");
  if (fact.name.startsWith("url-content:")) return { status: "trusted" };
  if (fact.name.startsWith("file:")) return { exists: false };
  const listed = /^(?:rpm|dpkg)-packages:(.*)$/.exec(fact.name)?.[1];
  if (listed !== undefined) {
    const names = listed.split(",");
    return Object.fromEntries(names.map((n) => [n, null]));
  }
  throw new Error(`no value for ${fact.name}`);
}

/** Plans install-engine's preflight, key, repo and packages (nothing else) on a host that said `os` and has `managers`. */
function planFor(fixture: string, managers: string) {
  const text = osText(fixture);
  const os = parseOsRelease(text);
  const present = parseCommandsPresent("commands", MANAGER_COMMANDS, managers);
  const facts = { os, arch: "x86_64", packages: packageSystemOf(os, present) };
  const { vars } = validateVars(installEngine.variables as unknown as VarsSchema, {}, {});
  const host = { name: fixture, address: "10.0.0.1", groups: ["all"], facts };
  const resources = installEngine
    .resources(vars as never, host, { yes: true, runId: "000000000000", outputs: {} })
    .filter((r) => /^(preflight|gpg-key:|repository:|packages:)/.test(r.id));
  const set = new FactSet(new Map(resources.flatMap((r) => r.facts).map((f) => [f.name, valueOf(f, text)])));
  return planHost(resources, set);
}

const DNF = "present dnf\npresent yum\n";
const ROUTED: [fixture: string, managers: string, repo: string, install: RegExp][] = [
  ["centos-7", "present yum\n", "linux/centos/7", /^yum -y install docker-ce /],
  ["centos-stream-8", DNF, "linux/centos/8", /^dnf -y install --allowerasing docker-ce /],
  ["centos-stream-9", DNF, "linux/centos/9", /^dnf -y install --allowerasing /],
  ["rhel-8", DNF, "linux/rhel/8", /^dnf -y install/],
  ["rhel-9", DNF, "linux/rhel/9", /^dnf -y install/],
  ["rocky-9", DNF, "linux/centos/9", /^dnf -y install/],
  ["alma-8", DNF, "linux/centos/8", /^dnf -y install/],
  ["alma-9", DNF, "linux/centos/9", /^dnf -y install/],
  ["oracle-9", DNF, "linux/centos/9", /^dnf -y install/],
  ["fedora-40", "present dnf\n", "linux/fedora/40", /^dnf -y install/],
];

describe("install-engine: every distribution named and routed (real os-release text)", () => {
  for (const [fixture, managers, repo, install] of ROUTED) {
    it(`${fixture}: Docker's ${repo} repository, installed with ${install.source.match(/\w+/)?.[0]}`, () => {
      const plan = planFor(fixture, managers);
      assert.equal(plan.failure, undefined, plan.failure?.message);
      const tree = `https://download.docker.com/${repo.replace(/\/[^/]+$/, "")}`;
      const preflight = plan.resources.find((r) => r.id === "preflight")?.outcome;
      assert.equal(
        preflight?.kind === "noop" ? preflight.reason.endsWith(`: Docker's repository ${tree}`) : preflight,
        true,
      );
      const file = plan.resources.find((r) => r.id === "repository:/etc/yum.repos.d/docker-ce.repo");
      const steps = file?.outcome.kind === "change" ? file.outcome.steps : [];
      assert.equal(steps.length, 1);
      const packages = plan.resources.find((r) => r.id.startsWith("packages:"));
      const script = packages?.outcome.kind === "change" ? (packages.outcome.steps[0]?.script ?? "") : "";
      assert.match(script, install);
      const content = (steps[0]?.stdin ?? "").toString();
      assert.match(
        content,
        new RegExp(`^baseurl=https://download\\.docker\\.com/${repo}/\\$basearch/stable$`, "m"),
      );
    });
  }

  const APT_ROUTED: [fixture: string, tree: string, suite: string][] = [
    ["debian-12", "linux/debian", "bookworm"],
    ["debian-13", "linux/debian", "trixie"],
    ["ubuntu-22.04", "linux/ubuntu", "jammy"],
    ["ubuntu-24.04", "linux/ubuntu", "noble"],
  ];
  for (const [fixture, tree, suite] of APT_ROUTED) {
    it(`${fixture}: Docker's ${tree} repository through the same routing, as a deb822 source for ${suite}`, () => {
      const plan = planFor(fixture, "present apt-get\n");
      assert.equal(plan.failure, undefined, plan.failure?.message);
      const preflight = plan.resources.find((r) => r.id === "preflight")?.outcome;
      const url = `https://download.docker.com/${tree}`;
      assert.equal(
        preflight?.kind === "noop" && preflight.reason.endsWith(`: Docker's repository ${url}`),
        true,
      );
      const file = plan.resources.find(
        (r) => r.id === "repository:/etc/apt/sources.list.d/docker-ce.sources",
      );
      const content = file?.outcome.kind === "change" ? (file.outcome.steps[0]?.stdin ?? "").toString() : "";
      assert.ok(content.includes(`\nURIs: ${url}\nSuites: ${suite}\nComponents: stable\n`), content);
    });
  }

  it("a Debian derivative (Linux Mint) and a Debian release outside 11-13 are refused, naming what the host said", () => {
    const mint = planFor("linuxmint-21", "present apt-get\n");
    assert.equal(mint.failure?.resource, "preflight");
    assert.match(
      mint.failure?.message ?? "",
      /^Linux Mint 21\.3 \(ID=linuxmint, VERSION_ID=21\.3, ID_LIKE="ubuntu debian"\) is not supported: Docker publishes apt repositories for Debian and Ubuntu only$/,
    );
    const buster = planFor("debian-10", "present apt-get\n");
    assert.match(
      buster.failure?.message ?? "",
      /^Debian GNU\/Linux 10 \(buster\) \(ID=debian, VERSION_ID=10\) is version 10; install-engine installs from Docker's linux\/debian for versions 11, 12, 13$/,
    );
    assert.equal(mint.resources.length + buster.resources.length, 0, "nothing planned after the refusal");
  });

  it("Amazon Linux 2 and 2023: refused before anything changes, with Amazon's own package as the way", () => {
    const two = planFor("amzn-2", "present yum\n");
    assert.equal(two.failure?.resource, "preflight");
    assert.match(
      two.failure?.message ?? "",
      /^Amazon Linux 2 \(ID=amzn, VERSION_ID=2, ID_LIKE="centos rhel fedora"\) is not supported: Docker publishes no docker-ce repository for Amazon Linux/,
    );
    assert.match(two.failure?.hint ?? "", /yum install docker/);
    const y2023 = planFor("amzn-2023", "present dnf\n");
    assert.match(y2023.failure?.message ?? "", /Amazon Linux 2023.* is not supported/);
    assert.match(y2023.failure?.hint ?? "", /dnf install docker/);
    assert.equal(two.resources.length + y2023.resources.length, 0, "nothing planned after the refusal");
  });

  it("an unknown distribution fails preflight naming what the host said it is", () => {
    const plan = planFor("opensuse-15", "");
    assert.equal(plan.failure?.resource, "preflight");
    assert.match(
      plan.failure?.message ?? "",
      /^openSUSE Leap 15\.1 \(ID=opensuse-leap, VERSION_ID=15\.1, ID_LIKE="suse opensuse"\) is not a distribution install-engine knows/,
    );
  });

  it("a CentOS 6 host (release file only) is outside Docker's CentOS versions, and says so", () => {
    const plan = planFor("centos-6-release-file-only", "present yum\n");
    assert.match(
      plan.failure?.message ?? "",
      /is version 6; install-engine installs from Docker's linux\/centos for versions 7, 8, 9, 10$/,
    );
  });
});
