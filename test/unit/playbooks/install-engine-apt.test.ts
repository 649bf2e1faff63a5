/**
 * install-engine on apt hosts: Docker's tree per distribution under any mirror root, the deb822 source,
 * Debian's conflicting packages, and preflight for Docker's Debian and Ubuntu releases only.
 */
import { strict as assert } from "node:assert";
import installEngine from "../../../playbooks/install-engine.js";
import { APT_CONFLICTING_PACKAGES, aptSources } from "../../../playbooks/docker-apt.js";
import { chooseRepo, mirrorRoot } from "../../../playbooks/docker-repo.js";
import { installEngineVariables, type InstallEngineVars } from "../../../playbooks/install-engine.vars.js";
import type { OsRelease } from "../../../src/facts/os-release.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
import { deb } from "../../../src/packages/deb/index.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const debian12 = SAMPLE_HOST_FACTS.debian12.os;
const os = (id: string, versionId: string, codename: string, idLike: string[] = []): OsRelease => ({
  ...debian12,
  id,
  versionId,
  major: Number(versionId.split(".")[0]),
  codename,
  idLike,
});
const ubuntu2204 = os("ubuntu", "22.04", "jammy", ["debian"]);
const vars = (over: Record<string, unknown> = {}) =>
  validateVars(installEngineVariables as unknown as VarsSchema, over, {}).vars as InstallEngineVars;
const hostOf = (facts = SAMPLE_HOST_FACTS.debian12) => ({
  name: "d",
  address: "10.0.0.2",
  groups: ["all"],
  facts,
});

describe("install-engine on apt hosts", () => {
  it("takes each distribution's tree from one mirror root: one docker_mirror serves a mixed inventory", () => {
    assert.deepEqual(chooseRepo({ docker_mirror: "aliyun" }, debian12), {
      baseUrl: "https://mirrors.aliyun.com/docker-ce/linux/debian",
      gpgKeyUrl: "https://mirrors.aliyun.com/docker-ce/linux/debian/gpg",
    });
    assert.equal(chooseRepo({}, ubuntu2204).baseUrl, "https://download.docker.com/linux/ubuntu");
    assert.equal(
      chooseRepo({ docker_mirror: "tuna" }, SAMPLE_HOST_FACTS.el9.os).baseUrl,
      "https://mirrors.tuna.tsinghua.edu.cn/docker-ce/linux/centos",
    );
    assert.equal(
      chooseRepo({ docker_mirror: "http://10.0.0.2/" }, debian12).baseUrl,
      "http://10.0.0.2/linux/debian",
    );
  });

  it("reads a docker_mirror given as one distribution's tree (the old form) as its root", () => {
    assert.equal(mirrorRoot("http://10.0.0.2/docker-ce/linux/centos/"), "http://10.0.0.2/docker-ce");
    assert.equal(
      chooseRepo({ docker_mirror: "http://10.0.0.2/docker-ce/linux/centos" }, debian12).baseUrl,
      "http://10.0.0.2/docker-ce/linux/debian",
    );
  });

  it("lets docker_repo_url and docker_repo_gpgkey override the tree and key outright", () => {
    assert.deepEqual(
      chooseRepo(
        { docker_repo_url: "http://r/linux/debian/", docker_repo_gpgkey: "http://k/key.asc" },
        debian12,
      ),
      {
        baseUrl: "http://r/linux/debian",
        gpgKeyUrl: "http://k/key.asc",
      },
    );
  });

  it("declares key, deb822 source, packages with Debian's conflicts, daemon.json and service on a Debian host", () => {
    const resources = installEngine.resources(vars(), hostOf(), { yes: false, runId: "r", outputs: {} });
    const ids = resources.map((r) => r.id);
    assert.ok(ids.includes("repository:/etc/apt/sources.list.d/docker-ce.sources"), ids.join(" "));
    assert.ok(!ids.some((id) => id.includes("yum.repos.d")), ids.join(" "));
    const sources = deb.repositoryFile(
      {
        name: "docker-ce",
        sources: aptSources("https://download.docker.com/linux/debian"),
        keyPath: deb.keyPath("docker-ce"),
      },
      SAMPLE_HOST_FACTS.debian12,
    );
    assert.match(
      sources.content,
      /^URIs: https:\/\/download\.docker\.com\/linux\/debian\nSuites: bookworm\nComponents: stable\n/m,
    );
    assert.match(sources.content, /^Signed-By: \/etc\/apt\/keyrings\/docker-ce\.asc$/m);
    for (const p of ["docker.io", "podman-docker", "containerd", "runc", "docker-doc", "docker-compose"])
      assert.ok(APT_CONFLICTING_PACKAGES.includes(p), p);
  });

  it("pins on apt: an upstream version for every family, or a whole Debian version", () => {
    assert.equal(deb.pinSpec("docker-ce", "24.0.7"), "docker-ce=24.0.7");
    assert.equal(
      deb.pinSpec("docker-ce", "5:24.0.7-1~debian.12~bookworm"),
      "docker-ce=5:24.0.7-1~debian.12~bookworm",
    );
    assert.match(deb.pinError("3:24.0.7-1.el9;x") ?? "", /not a Debian version/);
    const installed = {
      epoch: 5,
      upstream: "20.10.24",
      revision: "1~debian.12~bookworm",
      version: "20.10.24",
      held: false,
    };
    assert.equal(deb.comparePin(installed, "20.10.24"), 0);
    assert.equal(deb.comparePin(installed, "24.0.7"), -1);
    assert.equal(deb.versionText(installed), "5:20.10.24-1~debian.12~bookworm");
    assert.throws(() => deb.comparePin({ version: "20.10.24" }, "20.10.24"), /not a Debian package version/);
  });
});
