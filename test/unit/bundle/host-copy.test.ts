import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleCopy, bundleOnHost, parseBundleOnHost } from "../../../src/bundle/host-copy.js";
import { bundleImages } from "../../../src/bundle/image-load.js";
import { hostImages, parseHostImages } from "../../../src/images/host-images.js";
import type { VerifiedBundle } from "../../../src/bundle/verify.js";
import { FactSet, type Fact } from "../../../src/facts/fact.js";
import { kernel } from "../../../src/facts/kernel.js";
import { osRelease, parseOsRelease } from "../../../src/facts/os-release.js";
import { applyPlan } from "../../../src/run/apply-plan.js";
import { FakeTransport, ok } from "../../../src/transport/fake.js";
import { BUSYBOX_IMAGE, el9Manifest } from "./support/manifest.js";

const SHA = "ab".repeat(32);
const ID = `sha256:${"1".repeat(64)}`;
const EL9 = parseOsRelease(
  'ID="centos"\nVERSION_ID="9"\nNAME="CentOS Stream"\nPRETTY_NAME="CentOS Stream 9"\nID_LIKE="rhel fedora"\n',
);

function bundleAt(path: string, size: number): VerifiedBundle {
  return {
    path,
    sha256: SHA,
    size,
    signedBy: `ed25519:${"c".repeat(32)}`,
    manifest: el9Manifest({ images: [{ ...BUSYBOX_IMAGE, id: ID, manifestDigest: ID }] }),
  };
}

const factsOf = (pairs: [Fact<unknown>, unknown][]) =>
  new FactSet(new Map(pairs.map(([f, v]) => [f.name, v])));

describe("bundle on a host: sent once, resumed, checked, unpacked; images loaded by id", () => {
  let dir = "";
  let file = "";
  const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-bundle-copy-"));
    file = join(dir, "b.tar");
    writeFileSync(file, content);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the host's state of the bundle, and refuses output it does not understand", () => {
    assert.deepEqual(parseBundleOnHost("b", "complete\n"), { state: "complete" });
    assert.deepEqual(parseBundleOnHost("b", "partial 1234\n"), { state: "partial", bytes: 1234 });
    assert.deepEqual(parseBundleOnHost("b", "absent\n"), { state: "absent" });
    assert.throws(() => parseBundleOnHost("b", "partial -1"), /unexpected output/);
    assert.throws(() => bundleOnHost("not-a-sha"), /not a sha256/);
  });

  it("is a no-op when the host has the bundle by checksum", () => {
    const r = bundleCopy({ bundle: bundleAt(file, content.length), needsRepo: true });
    const out = r.plan(
      factsOf([
        [bundleOnHost(SHA), { state: "complete" }],
        [osRelease, EL9],
        [kernel, { arch: "x86_64" }],
      ]),
    );
    assert.equal(out.kind, "noop");
  });

  it("sends only the bytes after a partial copy, then checks the sha256 before unpacking", async () => {
    const r = bundleCopy({ bundle: bundleAt(file, content.length), needsRepo: true });
    const out = r.plan(
      factsOf([
        [bundleOnHost(SHA), { state: "partial", bytes: 1200 }],
        [osRelease, EL9],
        [kernel, { arch: "x86_64" }],
      ]),
    );
    assert.equal(out.kind, "change");
    if (out.kind !== "change") return;
    assert.match(out.steps[0]?.description ?? "", /resuming at byte 1200/);
    assert.match(out.steps[1]?.script ?? "", new RegExp(`sha256sum .*\\n.*!= '?${SHA}`));
    const t = new FakeTransport("h", () => ok());
    const events: string[] = [];
    await applyPlan(t, { resources: [{ id: r.id, outcome: out }] } as never, [], { now: () => 0 }, {
      stepRan: (_r: string, d: string) => events.push(d),
      resourceChanged: () => undefined,
    } as never);
    assert.deepEqual(
      t.calls[0]?.stdinBytes,
      content.subarray(1200),
      "exactly the rest of the file is streamed",
    );
    assert.equal(events.length, 2);
  });

  it("fails before sending when the bundle has no repo for the host's OS and architecture", () => {
    const r = bundleCopy({ bundle: bundleAt(file, content.length), needsRepo: true });
    const out = r.plan(
      factsOf([
        [bundleOnHost(SHA), { state: "absent" }],
        [osRelease, EL9],
        [kernel, { arch: "aarch64" }],
      ]),
    );
    assert.equal(out.kind, "fail");
    assert.match(
      out.kind === "fail" ? out.message : "",
      /no packages for el9 aarch64 \(it has: el9 x86_64\)/,
    );
  });

  it("finds an apt host's tree by distribution and release, and names the --platform a missing one needs", () => {
    const DEBIAN12 = parseOsRelease(
      'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nNAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    );
    const plan = (b: VerifiedBundle) =>
      bundleCopy({ bundle: b, needsRepo: true }).plan(
        factsOf([
          [bundleOnHost(SHA), { state: "absent" }],
          [osRelease, DEBIAN12],
          [kernel, { arch: "x86_64" }],
        ]),
      );
    const elOnly = plan(bundleAt(file, content.length));
    assert.equal(elOnly.kind, "fail");
    assert.match(
      elOnly.kind === "fail" ? elOnly.message : "",
      /no packages for debian 12 x86_64 \(it has: el9 x86_64\)/,
    );
    assert.match(elOnly.kind === "fail" ? (elOnly.hint ?? "") : "", /--platform debian12\/x86_64/);
    const both = bundleAt(file, content.length);
    const deb = {
      family: "deb" as const,
      os: "debian",
      major: 12,
      arch: "x86_64",
      codename: "bookworm",
      base: "deb/debian",
      packages: [],
      fromBase: [],
    };
    const withDeb = { ...both, manifest: { ...both.manifest, repos: [...both.manifest.repos, deb] } };
    const sent = plan(withDeb);
    assert.equal(sent.kind, "change");
    assert.match(
      sent.kind === "change" ? (sent.steps[0]?.description ?? "") : "",
      /^send bundle abababababab/,
    );
    const ubuntu = { ...withDeb, manifest: { ...withDeb.manifest, repos: [{ ...deb, os: "ubuntu" }] } };
    assert.equal(plan(ubuntu).kind, "fail", "an ubuntu tree served a debian host");
  });

  it("loads an image only when the engine lacks it or holds another id under its name", () => {
    const refs = ["busybox"];
    const r = bundleImages({ bundle: bundleAt(file, 1), refs });
    const plan = (id: string | null) =>
      r.plan(
        factsOf([
          [hostImages, parseHostImages(id === null ? "" : `${id} busybox:latest\n`)],
          [kernel, { arch: "x86_64" }],
        ]),
      );
    assert.equal(plan(ID).kind, "noop");
    const other = plan(`sha256:${"2".repeat(64)}`);
    assert.match(
      other.kind === "change" ? (other.steps[0]?.description ?? "") : "",
      /load busybox from bundle abababababab \(replaces image 222222222222\)/,
    );
    const absent = plan(null);
    assert.match(
      absent.kind === "change" ? (absent.steps[0]?.script ?? "") : "",
      /docker load -i '?\/var\/lib\/ops\/bundles\/(ab)+\/images\/x86_64\/busybox_latest\.tar/,
    );
    const noEngine = r.plan(
      factsOf([
        [hostImages, hostImages.parse("no-docker\n", 0)],
        [kernel, { arch: "x86_64" }],
      ]),
    );
    assert.equal(
      noEngine.kind,
      "change",
      "no engine yet (installed later in the run): every image is loaded",
    );
    assert.throws(() => hostImages.parse("garbage\n", 0), /unexpected line/);
  });
});
