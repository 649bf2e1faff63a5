/** A host's facts as a playbook sees them, read from the real probe text of each distribution. */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { FactSet } from "../../../src/facts/fact.js";
import { parseOsRelease } from "../../../src/facts/os-release.js";
import { kernel } from "../../../src/facts/kernel.js";
import { osRelease } from "../../../src/facts/os-release.js";
import { HOST_FACT_PROBES, packageSystemOf, readHostFacts } from "../../../src/packages/host-facts.js";

const osText = (name: string): string =>
  (JSON.parse(readFileSync(`test/fixtures/facts/os-release/${name}.json`, "utf8")) as { stdout: string })
    .stdout;
const managers = HOST_FACT_PROBES.find((f) => f.name.startsWith("commands:"));

describe("host facts", () => {
  it("are three small probes: the distribution, the machine, the package managers", () => {
    assert.deepEqual(
      HOST_FACT_PROBES.map((f) => f.name.split(":")[0]),
      ["os-release", "kernel", "commands"],
    );
  });

  it("an EL 9 host with dnf is rpm/dnf; EL 7 with yum only is rpm/yum", () => {
    assert.deepEqual(packageSystemOf(parseOsRelease(osText("rocky-9")), ["dnf", "yum"]), {
      family: "rpm",
      manager: "dnf",
    });
    assert.deepEqual(packageSystemOf(parseOsRelease(osText("centos-7")), ["yum"]), {
      family: "rpm",
      manager: "yum",
    });
  });

  it("a host without any manager ops knows has no package system", () => {
    assert.equal(packageSystemOf(parseOsRelease(osText("debian-12")), []), null);
  });

  it("are read from one batch's facts: codename and architecture included", () => {
    assert.ok(managers);
    const set = new FactSet(
      new Map<string, unknown>([
        [osRelease.name, parseOsRelease(osText("debian-12"))],
        [kernel.name, kernel.parse("6.1.0-18-arm64 aarch64\n")],
        [managers.name, []],
      ]),
    );
    const facts = readHostFacts(set);
    assert.equal(facts.os.codename, "bookworm");
    assert.equal(facts.arch, "aarch64");
    assert.equal(facts.packages, null);
  });
});
