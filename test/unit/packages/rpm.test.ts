/** The rpm family behind the seam: the same files and commands ops wrote before the seam existed. */
import { strict as assert } from "node:assert";
import { rpmSources } from "../../../playbooks/docker-repo.js";
import { rpm } from "../../../src/packages/rpm/index.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
import { renderTemplate } from "../../../src/resources/render.js";
import { assertParses } from "../facts/support/shell.js";
import { TEST_TEMPLATES } from "../resources/registry.js";

const keyPath = "/etc/pki/rpm-gpg/docker-ce.gpg";

describe("rpm family", () => {
  for (const major of [7, 8, 9]) {
    it(`writes Docker's repo byte for byte as the yum template did (EL ${major}): a converged host stays a no-op`, () => {
      const base = "https://mirrors.aliyun.com/docker-ce/linux/centos/";
      const before = renderTemplate(
        "yum/docker-ce.repo.ejs",
        { repoUrl: base, major, gpgKeyPath: keyPath },
        TEST_TEMPLATES,
      );
      const host = { ...SAMPLE_HOST_FACTS.el9, os: { ...SAMPLE_HOST_FACTS.el9.os, major } };
      const made = rpm.repositoryFile({ name: "docker-ce", sources: rpmSources(base, major), keyPath }, host);
      assert.equal(made.path, "/etc/yum.repos.d/docker-ce.repo");
      assert.equal(made.content, before);
    });
  }

  it("refuses values that would smuggle another setting into the .repo file", () => {
    const spec = (url: string, name = "x") => ({
      name: "docker-ce",
      keyPath,
      sources: [{ id: "a", name, url }],
    });
    const host = SAMPLE_HOST_FACTS.el9;
    assert.throws(() => rpm.repositoryFile(spec("https://a/\nenabled=0"), host), /url/);
    assert.throws(() => rpm.repositoryFile(spec("-o /etc/passwd"), host), /url/);
    assert.throws(() => rpm.repositoryFile(spec("https://a/", "x\ngpgcheck=0"), host), /source name/);
    assert.throws(() => rpm.repositoryFile({ ...spec("https://a/"), name: "../x" }, host), /name/);
  });

  it("installs with dnf --allowerasing or yum, removes and downgrades with the host's manager", () => {
    assert.equal(
      rpm.installScript("dnf", ["docker-ce-24.0.7", "containerd.io"]),
      "dnf -y install --allowerasing docker-ce-24.0.7 containerd.io",
    );
    assert.equal(rpm.installScript("yum", ["docker-ce"]), "yum -y install docker-ce");
    assert.equal(rpm.removeScript("yum", ["podman", "runc"]), "yum -y remove podman runc");
    assert.equal(rpm.downgradeScript("dnf", ["docker-ce-20.10.24"]), "dnf -y downgrade docker-ce-20.10.24");
    for (const s of [rpm.installScript("dnf", ["a b"]), rpm.removeScript("dnf", ["$(reboot)"])])
      assertParses(s);
    assert.equal(rpm.removeScript("dnf", ["$(reboot)"]), "dnf -y remove '$(reboot)'");
  });

  it("with one repository, dnf and yum disable every other and enable its enabled sections alone", () => {
    const only = {
      name: "docker-ce",
      keyPath: "/etc/pki/rpm-gpg/docker-ce.gpg",
      sources: [
        {
          id: "docker-ce-stable",
          name: "s",
          url: "file:///var/lib/ops/bundles/x/rpm/centos/9/$basearch/stable",
        },
        { id: "docker-ce-stable-source", name: "src", url: "file:///x", enabled: false },
      ],
    };
    assert.equal(
      rpm.installScript("dnf", ["docker-ce"], only),
      "dnf -y '--disablerepo=*' --enablerepo=docker-ce-stable install --allowerasing docker-ce",
    );
    assert.equal(
      rpm.installScript("yum", ["docker-ce"], only),
      "yum -y '--disablerepo=*' --enablerepo=docker-ce-stable install docker-ce",
    );
    assert.equal(
      rpm.downgradeScript("dnf", ["docker-ce-20.10.24"], only),
      "dnf -y '--disablerepo=*' --enablerepo=docker-ce-stable downgrade docker-ce-20.10.24",
    );
  });

  it("pins without the epoch and compares on version and release", () => {
    assert.equal(rpm.pinSpec("docker-ce", "3:24.0.7-1.el9"), "docker-ce-24.0.7-1.el9");
    assert.equal(rpm.pinText("3:24.0.7-1.el9"), "24.0.7-1.el9");
    assert.match(rpm.pinError("24.0.7 ; reboot") ?? "", /is not a version/);
    assert.equal(rpm.pinError("24.0.7"), undefined);
    const installed = { version: "24.0.7", release: "1.el9", epoch: 3 };
    assert.equal(rpm.comparePin(installed, "24.0.7"), 0);
    assert.ok(rpm.comparePin(installed, "25.0.0") < 0);
    assert.equal(rpm.versionText(installed), "3:24.0.7-1.el9");
    assert.throws(() => rpm.comparePin({ version: "24.0.7" }, "24.0.7"), /not an rpm package version/);
  });

  it("trusts a key by importing it; asks rpm for gpg-pubkey-<low 8 hex digits> first", () => {
    const test = rpm.keyTrustedTest("060A61C51B558A7F742B77AAC52FEB6B621E9F35", keyPath);
    assert.match(test, /rpm -q gpg-pubkey-621e9f35/);
    assertParses(`if ${test}; then :; fi`);
    assert.deepEqual(
      rpm.trustKeySteps(keyPath).map((s) => s.script),
      [`set -e\nrpm --import ${keyPath}`],
    );
    assert.equal(rpm.keyPath("docker-ce"), keyPath);
  });
});
