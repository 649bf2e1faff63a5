import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { rpmClosure } from "../../../src/bundle/rpm-closure.js";
import { parsePrimary, parseRepomd, renderRepo } from "../../../src/bundle/yum-metadata.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** A package element in createrepo_c's shape. */
function pkg(
  name: string,
  epoch: number,
  ver: string,
  requires: string[] = [],
  provides: string[] = [],
): string {
  const entries = (xs: string[]) =>
    xs
      .map(
        (x) =>
          `      <rpm:entry name="${x.split(" ")[0]}"${x.includes(">=") ? ` flags="GE" epoch="0" ver="${x.split(">= ")[1]}"` : ""}/>`,
      )
      .join("\n");
  return `<package type="rpm">
  <name>${name}</name>
  <arch>x86_64</arch>
  <version epoch="${epoch}" ver="${ver}" rel="1.el9"/>
  <checksum type="sha256" pkgid="YES">${sha(name + ver)}</checksum>
  <size package="${ver.length * 100}" installed="1" archive="1"/>
  <location href="Packages/${name}-${ver}-1.el9.x86_64.rpm"/>
  <format>
    <rpm:provides>
${entries([name, ...provides])}
    </rpm:provides>
    <rpm:requires>
${entries(requires)}
    </rpm:requires>
  </format>
</package>`;
}

const PRIMARY = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="5">
${pkg("containerd.io", 0, "1.6.20", ["/bin/sh", "systemd"], ["runc"])}
${pkg("docker-ce", 3, "20.10.23", ["containerd.io >= 1.6.4", "docker-ce-cli", "iptables"])}
${pkg("docker-ce", 3, "20.10.24", ["containerd.io >= 1.6.4", "docker-ce-cli", "iptables"])}
${pkg("docker-ce-cli", 1, "20.10.23")}
${pkg("docker-ce-cli", 1, "20.10.24")}
</metadata>
`;

describe("bundle: yum metadata and the RPM closure", () => {
  it("reads every package of primary.xml with its EVR, checksum, location and dependencies", () => {
    const all = parsePrimary(PRIMARY);
    assert.deepEqual(
      all.map((p) => `${p.name}-${p.epoch}:${p.version}`),
      [
        "containerd.io-0:1.6.20",
        "docker-ce-3:20.10.23",
        "docker-ce-3:20.10.24",
        "docker-ce-cli-1:20.10.23",
        "docker-ce-cli-1:20.10.24",
      ],
    );
    assert.deepEqual(all[1]?.requires[0], { name: "containerd.io", flags: "GE", epoch: 0, version: "1.6.4" });
    assert.equal(all[0]?.location, "Packages/containerd.io-1.6.20-1.el9.x86_64.rpm");
  });

  it("refuses a location that leaves the repo and a checksum that is not sha256", () => {
    assert.throws(
      () => parsePrimary(PRIMARY.replace("Packages/containerd.io", "../../etc/containerd.io")),
      /bad location/,
    );
    assert.throws(
      () => parsePrimary(PRIMARY.replace('type="sha256" pkgid', 'type="md5" pkgid')),
      /not a sha256/,
    );
    assert.throws(() => parsePrimary("<html>not a repo</html>"), /no <metadata>/);
  });

  it("renders metadata holding exactly the chosen packages, verbatim, under a repomd.xml that names its sha256", () => {
    const chosen = parsePrimary(PRIMARY).filter((p) => p.version === "20.10.24");
    const out = renderRepo(chosen, 1_700_000_000);
    const md = parseRepomd(out.repomd);
    assert.equal(md.location, out.primaryPath);
    assert.equal(md.sha256, createHash("sha256").update(out.primary).digest("hex"));
    const back = parsePrimary(gunzipSync(out.primary).toString("utf8"));
    assert.deepEqual(back, chosen);
    assert.deepEqual(renderRepo(chosen, 1_700_000_000), out, "the same packages give the same bytes");
  });

  it("chooses the pinned engine and CLI, and what they need from the repo; the rest is the base system's", () => {
    const c = rpmClosure(parsePrimary(PRIMARY), {
      names: ["docker-ce"],
      pin: { version: "20.10.23" },
      pinned: ["docker-ce", "docker-ce-cli"],
      arch: "x86_64",
    });
    // docker-ce-cli comes as a dependency, so it is the newest: dnf would choose the same.
    assert.deepEqual(
      c.packages.map((p) => `${p.name}-${p.version}`),
      ["containerd.io-1.6.20", "docker-ce-20.10.23", "docker-ce-cli-20.10.24"],
    );
    assert.deepEqual(c.fromBase, ["/bin/sh", "iptables", "systemd"]);
    const pinnedBoth = rpmClosure(parsePrimary(PRIMARY), {
      names: ["docker-ce", "docker-ce-cli"],
      pin: { version: "20.10.23" },
      pinned: ["docker-ce", "docker-ce-cli"],
      arch: "x86_64",
    });
    assert.deepEqual(
      pinnedBoth.packages.map((p) => p.version),
      ["1.6.20", "20.10.23", "20.10.23"],
    );
    assert.throws(
      () =>
        rpmClosure(parsePrimary(PRIMARY), { names: ["docker-ce"], pin: { version: "99.0" }, arch: "x86_64" }),
      /no docker-ce 99\.0 for x86_64/,
    );
    assert.throws(
      () => rpmClosure(parsePrimary(PRIMARY), { names: ["docker-ce"], arch: "aarch64" }),
      /no docker-ce for aarch64/,
    );
  });
});
