import { strict as assert } from "node:assert";
import {
  attachedTo,
  createdOf,
  deleteConfirmation,
  platformLabel,
  readManifest,
  tagRows,
  type ManifestFacts,
  type TagInfo,
} from "../../../../src/registry/portal/tags.js";

const hex = (c: string) => c.repeat(64);
const dg = (c: string) => `sha256:${hex(c)}`;
const desc = (c: string, size: number, extra: object = {}) => ({
  mediaType: "x",
  digest: dg(c),
  size,
  ...extra,
});

/** What buildx pushes: two platforms and an attestation manifest per platform. */
const BUILDX_INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    desc("1", 500, { platform: { os: "linux", architecture: "amd64" } }),
    desc("2", 501, { platform: { os: "linux", architecture: "arm64", variant: "v8" } }),
    desc("3", 300, {
      platform: { os: "unknown", architecture: "unknown" },
      annotations: {
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": dg("1"),
      },
    }),
  ],
});
const IMAGE = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: desc("c", 100),
  layers: [desc("d", 1000), desc("e", 24)],
});

const facts = (body: string): ManifestFacts => {
  const f = readManifest(body);
  assert.ok(typeof f !== "string", String(f));
  return f;
};
const info = (tag: string, digest: string, f: ManifestFacts = facts(IMAGE)): TagInfo => ({
  tag,
  digest,
  facts: f,
  size: f.size,
  created: "",
});

describe("portal tags", () => {
  it("reads an image's bytes and config, and an index's platforms apart from buildx attestation manifests", () => {
    const image = facts(IMAGE);
    assert.equal(image.size, 1124);
    assert.equal(image.config, dg("c"));
    const index = facts(BUILDX_INDEX);
    assert.deepEqual(index.platforms.map(platformLabel), ["linux/amd64", "linux/arm64/v8"]);
    assert.equal(index.attestations, 1);
    assert.match(String(readManifest("<html>")), /not JSON/);
    assert.match(String(readManifest('{"layers":[{"digest":"x","size":1}]}')), /digest/);
    assert.match(String(readManifest('{"layers":[{"digest":"sha256:' + hex("a") + '","size":-1}]}')), /size/);
    assert.equal(createdOf('{"created":"2026-12-07T01:02:03Z"}'), "2026-12-07T01:02:03Z");
    assert.equal(createdOf('{"created":"<script>"}'), "");
  });

  it("attaches cosign's .sig/.att/.sbom tags and OCI referrer tags to their subject's row", () => {
    assert.deepEqual(attachedTo(`sha256-${hex("a")}.sig`), { subject: dg("a"), kind: "signature" });
    assert.deepEqual(attachedTo(`sha256-${hex("a")}`), { subject: dg("a"), kind: "referrer" });
    assert.equal(attachedTo("sha256-abc.sig"), null);
    const rows = tagRows([
      info("v1", dg("a"), facts(BUILDX_INDEX)),
      info("latest", dg("a"), facts(BUILDX_INDEX)),
      info("v0", dg("b")),
      info(`sha256-${hex("a")}.sig`, dg("f")),
      info(`sha256-${hex("a")}.att`, dg("9")),
      info(`sha256-${hex("a")}`, dg("8")),
      info(`sha256-${hex("7")}.sig`, dg("6")), // its subject has no tag: a row of its own
    ]);
    assert.deepEqual(
      rows.map((r) => r.tag),
      ["latest", `sha256-${hex("7")}.sig`, "v0", "v1"],
    );
    const v1 = rows.find((r) => r.tag === "v1");
    assert.deepEqual(v1?.sameDigest, ["latest"]);
    assert.deepEqual(
      v1?.attached.map((a) => a.kind),
      ["signature", "attestation", "referrer", "attestation"],
    );
    assert.deepEqual(rows.find((r) => r.tag === "v0")?.attached, []);
  });

  it("asks before a delete, naming the digest, every other tag on it and what is attached", () => {
    const rows = tagRows([
      info("v1", dg("a")),
      info("stable", dg("a")),
      info(`sha256-${hex("a")}.sig`, dg("f")),
    ]);
    const v1 = rows.find((r) => r.tag === "v1");
    assert.ok(v1);
    const text = deleteConfirmation("team/app", v1);
    assert.match(text, new RegExp(`manifest ${dg("a")}`));
    assert.match(text, /stable/);
    assert.match(text, /\.sig/);
    const alone = tagRows([info("v2", dg("b"))])[0];
    assert.ok(alone);
    assert.match(deleteConfirmation("team/app", alone), /No other tag points to it/);
    assert.equal(deleteConfirmation("team/app", { ...alone, digest: "<b>" }), "", "no digest, no delete");
  });
});
