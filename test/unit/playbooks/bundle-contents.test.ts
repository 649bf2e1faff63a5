/**
 * What `ops bundle create` fetches for an inventory: per platform, Docker's rpm tree for EL hosts and
 * the distribution's apt tree for Debian and Ubuntu hosts, from one mirror root; and the platforms
 * `--platform` names.
 */
import { strict as assert } from "node:assert";
import { bundleContents, fromBundle } from "../../../playbooks/bundle-contents.js";
import { BUNDLE_FORMAT, type BundleManifest } from "../../../src/bundle/manifest.js";
import type { ImageSpec } from "../../../playbooks/images.vars.js";
import { parsePlatform } from "../../../src/cli/bundle-command.js";

const vars = {
  docker_mirror: "http://10.0.0.2/",
  docker_repo_gpg_fingerprint: "E4FECCCC55C2126173DC79315E9B3745269F56FC",
  docker_packages: ["docker-ce", "docker-ce-cli", "containerd.io"],
  docker_version: "20.10.24",
};
const el9 = parsePlatform("9/x86_64");
const debian12 = parsePlatform("debian12/x86_64");

describe("bundle contents: what bundle create fetches per platform", () => {
  it("reads --platform for EL (9/x86_64, el9-aarch64) and apt releases, and refuses the rest", () => {
    assert.deepEqual(el9, { major: 9, arch: "x86_64" });
    assert.deepEqual(parsePlatform("el9-aarch64"), { major: 9, arch: "aarch64" });
    assert.deepEqual(debian12, { os: "debian", major: 12, codename: "bookworm", arch: "x86_64" });
    assert.deepEqual(parsePlatform("ubuntu22/aarch64"), {
      os: "ubuntu",
      major: 22,
      codename: "jammy",
      arch: "aarch64",
    });
    assert.throws(
      () => parsePlatform("debian10/x86_64"),
      /--platform debian10\/x86_64: Docker publishes no apt tree/,
    );
    assert.throws(() => parsePlatform("fedora39"), /expected MAJOR\/ARCH/);
  });

  it("takes the rpm tree for EL hosts and the apt tree for Debian hosts from one mirror, each with the pin", () => {
    const c = bundleContents(
      ["install-engine"],
      [
        { vars, platforms: [el9] },
        { vars, platforms: [debian12] },
      ],
    );
    assert.equal(c.rpm?.baseUrl, "http://10.0.0.2/linux/centos");
    assert.deepEqual(c.rpm?.pin, { epoch: undefined, version: "20.10.24", release: undefined });
    assert.equal(c.deb?.baseUrl, "http://10.0.0.2/linux/debian");
    assert.equal(c.deb?.gpgKeyUrl, "http://10.0.0.2/linux/debian/gpg");
    assert.equal(c.deb?.pin, "20.10.24");
    assert.deepEqual(c.deb?.names, vars.docker_packages);
    assert.deepEqual(
      c.images.map((i) => i.ref),
      ["busybox"],
    );
  });

  it("makes no rpm source for an inventory of Debian hosts alone", () => {
    const c = bundleContents(["install-engine"], [{ vars, platforms: [debian12] }]);
    assert.equal(c.rpm, undefined);
    assert.equal(c.deb?.baseUrl, "http://10.0.0.2/linux/debian");
  });

  it("refuses hosts of one family that differ in version (one bundle per group)", () => {
    assert.throws(
      () =>
        bundleContents(
          ["install-engine"],
          [
            { vars, platforms: [debian12] },
            { vars: { ...vars, docker_version: "20.10.23" }, platforms: [debian12] },
          ],
        ),
      /hosts of one family differ in docker_repo_url, docker_version/,
    );
  });

  const specs: ImageSpec[] = [
    { ref: "team/app:1.0", source: "pull", from: "hub.lan:5000/team/app@sha256:" + "a".repeat(64) },
    { ref: "busybox", source: "pull" },
    { ref: "team/built:2", source: "build", context: "app" },
    { ref: "team/saved:3", source: "archive", archive: "saved.tar" },
    { ref: "team/pushed:4", source: "pull", push: true },
    { ref: "team/kept:5", source: "pull", distribute: false },
  ];

  it("holds the images playbook's pulled images under the names the hosts use, and says why the others are not", () => {
    const c = bundleContents(
      ["images"],
      [{ vars: { ...vars, registry_mirrors: ["http://10.0.0.3:5000"], images: specs }, platforms: [el9] }],
    );
    assert.deepEqual(c.rpm, undefined);
    assert.deepEqual(c.images, [
      {
        ref: `hub.lan:5000/team/app@sha256:${"a".repeat(64)}`,
        endpoint: { url: "https://hub.lan:5000" },
        as: "team/app:1.0",
      },
      { ref: "busybox", endpoint: { url: "http://10.0.0.3:5000" }, as: "busybox:latest" },
    ]);
    assert.deepEqual(c.notBundled, [
      "team/built:2: source: build (`ops run images --bundle` streams it from the control machine)",
      "team/saved:3: source: archive (`ops run images --bundle` streams it from the control machine)",
      "team/pushed:4: push: true (`ops run images` pushes the control machine's copy)",
      "team/kept:5: distribute: false (no host loads it)",
    ]);
  });

  it("a run loads from the bundle only the images a bundle holds and this one has", () => {
    const image = (ref: string) => ({
      ref,
      arch: "x86_64",
      path: `images/${ref}.tar`,
      id: "sha256:1",
      manifestDigest: "sha256:2",
    });
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      created: "2026-12-07T00:00:00.000Z",
      playbooks: ["images"],
      repos: [],
      files: [],
      images: [image("team/app:1.0"), image("team/built:2"), image("team/pushed:4")],
    };
    // team/built and team/pushed are in it under those names (another bundle's doing), yet are made
    // on the control machine: build and push never come from a bundle.
    assert.deepEqual([...fromBundle(manifest, specs)], ["team/app:1.0"]);
  });
});
