import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DebMetadataError,
  debClosure,
  parsePackages,
  parseReleaseSha256,
} from "../../../src/bundle/deb-metadata.js";
import { indexFor } from "../../../src/bundle/deb-tree.js";

const sha = (c: string) => c.repeat(64);

/**
 * Stanzas in the shape of download.docker.com/linux/debian/dists/bookworm/stable/binary-amd64/Packages
 * (its fields, dependency syntax and pool paths), trimmed to what the closure reads.
 */
function stanza(name: string, version: string, fields: Record<string, string> = {}, arch = "amd64"): string {
  const file = `dists/bookworm/pool/stable/${arch}/${name}_${version.replace(/^\d+:/, "")}_${arch}.deb`;
  const extra = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  return [
    `Package: ${name}`,
    `Architecture: ${arch}`,
    `Version: ${version}`,
    "Priority: optional",
    ...extra,
    `Filename: ${file}`,
    "Size: 1000",
    `SHA256: ${sha(name.length % 2 === 0 ? "a" : "b")}`,
    "Description: Docker: the open-source application container engine",
    " Docker is a product for you to build, ship and run any application as a",
    " lightweight container",
  ].join("\n");
}

const CE = (v: string) =>
  stanza("docker-ce", `5:${v}-1~debian.12~bookworm`, {
    "Pre-Depends": "init-system-helpers (>= 1.54~)",
    Depends:
      "containerd.io (>= 1.6.4), docker-ce-cli, iptables, libseccomp2 (>= 2.3.0), libc6 (>= 2.34), libdevmapper1.02.1 (>= 2:1.02.97), libsystemd0",
    Recommends: "apparmor, ca-certificates, docker-ce-rootless-extras, git, libltdl7, pigz, procps, xz-utils",
    Suggests: "aufs-tools, cgroupfs-mount | cgroup-lite",
  });
const CLI = (v: string) =>
  stanza("docker-ce-cli", `5:${v}-1~debian.12~bookworm`, {
    Depends: "libc6 (>= 2.34)",
    Recommends: "docker-buildx-plugin, docker-compose-plugin",
  });

const INDEX = [
  stanza("containerd.io", "1.6.20-1", {
    Provides: "containerd, runc",
    Depends: "libc6 (>= 2.34), libseccomp2 (>= 2.5.0)",
  }),
  stanza("containerd.io", "1.6.28-1", {
    Provides: "containerd, runc",
    Depends: "libc6 (>= 2.34), libseccomp2 (>= 2.5.0)",
  }),
  CE("20.10.23"),
  CE("20.10.24"),
  CE("24.0.7"),
  CLI("20.10.23"),
  CLI("20.10.24"),
  CLI("24.0.7"),
  stanza("docker-buildx-plugin", "0.13.1-1~debian.12~bookworm", { Depends: "libc6 (>= 2.34)" }),
  stanza("docker-compose-plugin", "2.26.1-1~debian.12~bookworm", { Depends: "libc6 (>= 2.34)" }),
  stanza("docker-ce-rootless-extras", "5:24.0.7-1~debian.12~bookworm", {
    Depends: "dbus-user-session",
    Recommends: "slirp4netns (>= 0.4.0)",
  }),
  stanza("docker-ce", "5:24.0.7-1~debian.12~bookworm", {}, "arm64"),
].join("\n\n");

const RELEASE = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

Architectures: amd64 arm64 armhf ppc64el s390x
Codename: bookworm
Components: stable
MD5Sum:
 0b8b5a2c2a5c1c0c5b7f2e1b0a9e3a1c 47623 stable/binary-amd64/Packages
SHA256:
 ${sha("1")} 47623 stable/binary-amd64/Packages
 ${sha("2")} 5216 stable/binary-amd64/Packages.gz
 ${sha("3")} 116 stable/binary-amd64/Release
 ${sha("4")} 9001 stable/binary-arm64/Packages
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCgAdFiEEBgphxRtVin90K3eqxS/rYrYenzUFAmVx
-----END PGP SIGNATURE-----
`;

describe("bundle: apt metadata and the .deb closure", () => {
  it("reads InRelease's SHA256 list (clearsigned), and refuses a Release without one", () => {
    const sums = parseReleaseSha256(RELEASE);
    assert.deepEqual(sums.get("stable/binary-amd64/Packages.gz"), { sha256: sha("2"), size: 5216 });
    assert.equal(sums.size, 4);
    assert.throws(() => parseReleaseSha256("Codename: bookworm\nMD5Sum:\n x 1 y\n"), DebMetadataError);
  });

  it("takes only the stable component's index for the host's architecture and the translations", () => {
    const picked = [...parseReleaseSha256(RELEASE).keys()].filter((p) => indexFor(p, "amd64"));
    assert.deepEqual(picked, [
      "stable/binary-amd64/Packages",
      "stable/binary-amd64/Packages.gz",
      "stable/binary-amd64/Release",
    ]);
    assert.ok(indexFor("stable/i18n/Translation-en.bz2", "amd64"));
    for (const bad of ["stable/i18n/..", "stable/binary-amd64/../../x", "test/binary-amd64/Packages"])
      assert.ok(!indexFor(bad, "amd64"), bad);
  });

  it("reads every stanza with its dependencies, Provides and Recommends", () => {
    const pkgs = parsePackages(INDEX);
    assert.equal(pkgs.length, 12);
    const ce = pkgs.find((p) => p.version === "5:24.0.7-1~debian.12~bookworm" && p.arch === "amd64");
    assert.equal(
      ce?.filename,
      "dists/bookworm/pool/stable/amd64/docker-ce_24.0.7-1~debian.12~bookworm_amd64.deb",
    );
    assert.deepEqual(ce?.depends[0], [{ name: "init-system-helpers", op: ">=", version: "1.54~" }]);
    assert.deepEqual(ce?.depends[1], [{ name: "containerd.io", op: ">=", version: "1.6.4" }]);
    assert.equal(ce?.recommends.length, 8);
    assert.deepEqual(pkgs[0]?.provides, [{ name: "containerd" }, { name: "runc" }]);
  });

  it("refuses a Filename that leaves the repo, a bad checksum and a missing field, naming the stanza", () => {
    const bad = (text: string, re: RegExp) => assert.throws(() => parsePackages(text), re);
    bad(
      stanza("x", "1.0").replace(/Filename: .*/, "Filename: ../../etc/passwd"),
      /stanza 1: Filename .* leaves the repo/,
    );
    bad(
      `${stanza("x", "1.0")}\n\n${stanza("y", "1.0").replace(/SHA256: .*/, "SHA256: abc")}`,
      /stanza 2: SHA256/,
    );
    bad(stanza("x", "1.0").replace(/Version: .*\n/, ""), /stanza 1 has no Version/);
    bad(
      stanza("x", "1.0", { Depends: "libc6 (>= 2.34" }),
      /stanza 1: "libc6 \(>= 2\.34" is not a dependency/,
    );
  });

  it("chooses the pinned engine and CLI, the newest of the rest, and what they need or recommend from the repo", () => {
    const { packages, fromBase } = debClosure(parsePackages(INDEX), {
      names: ["docker-ce", "docker-ce-cli", "containerd.io"],
      pin: "20.10.24",
      pinned: ["docker-ce", "docker-ce-cli"],
      arch: "amd64",
    });
    assert.deepEqual(
      packages.map((p) => `${p.name}=${p.version}`),
      [
        "containerd.io=1.6.28-1",
        "docker-buildx-plugin=0.13.1-1~debian.12~bookworm",
        "docker-ce-cli=5:20.10.24-1~debian.12~bookworm",
        "docker-ce-rootless-extras=5:24.0.7-1~debian.12~bookworm",
        "docker-ce=5:20.10.24-1~debian.12~bookworm",
        "docker-compose-plugin=2.26.1-1~debian.12~bookworm",
      ].sort((a, b) => a.split("=")[0]!.localeCompare(b.split("=")[0]!)),
    );
    // Depends no package of the repo satisfies are the base system's; Recommends are simply skipped.
    assert.ok(fromBase.includes("iptables") && fromBase.includes("init-system-helpers"), fromBase.join());
    assert.ok(fromBase.includes("dbus-user-session"));
    assert.ok(!fromBase.includes("git") && !fromBase.includes("slirp4netns"));
  });

  it("takes the newest when unpinned, a Provides for a dependency, and refuses a pin the repo lacks", () => {
    const repo = parsePackages(INDEX);
    const newest = debClosure(repo, { names: ["docker-ce"], arch: "amd64" });
    assert.ok(newest.packages.some((p) => p.name === "docker-ce" && p.version.startsWith("5:24.0.7")));
    const viaProvides = debClosure(
      parsePackages(`${INDEX}\n\n${stanza("needs-runc", "1.0", { Depends: "runc" })}`),
      { names: ["needs-runc"], arch: "amd64" },
    );
    assert.deepEqual(
      viaProvides.packages.map((p) => p.name),
      ["containerd.io", "needs-runc"],
    );
    assert.throws(
      () => debClosure(repo, { names: ["docker-ce"], pin: "19.03.15", arch: "amd64" }),
      /the repository has no docker-ce 19\.03\.15 for amd64/,
    );
    assert.throws(() => debClosure(repo, { names: ["docker-ce"], arch: "s390x" }), /no docker-ce for s390x/);
  });

  it("property: any text is parsed or refused with a DebMetadataError, never another error", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(INDEX.length), (junk, at) => {
        const text = INDEX.slice(0, at) + junk + INDEX.slice(at);
        try {
          parsePackages(text);
        } catch (err) {
          if (!(err instanceof DebMetadataError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
  });
});
