/**
 * Realistic registry content, byte for byte what the tools push: a docker buildx multi-platform
 * image index with its attestation manifests (`vnd.docker.reference.type: attestation-manifest`),
 * a cosign tag-schema signature (`sha256-<hex>.sig`), an OCI 1.1 referrer with `subject` (an SBOM
 * as `oras attach` sends it) and plain single-platform images. Layers are real gzipped tars, so an
 * engine can pull and run what the unit tests plan over and the e2e test pushes.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

export interface Doc {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
}

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const EMPTY = "application/vnd.oci.empty.v1+json";

export const sha = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const doc = (mediaType: string, value: unknown): Doc => {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, digest: sha(bytes), mediaType };
};
const blob = (bytes: Buffer, mediaType: string): Doc => ({ bytes, digest: sha(bytes), mediaType });
const desc = (d: Doc, extra: Record<string, unknown> = {}) => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.bytes.length,
  ...extra,
});

/** A one-file ustar archive (what `COPY hello /hello` in a `FROM scratch` build makes). */
export function tarOf(name: string, content: Buffer, mode = 0o755): Buffer {
  const header = Buffer.alloc(512);
  const field = (text: string, at: number, len: number) => header.write(text, at, len, "ascii");
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0");
  field(name, 0, 100);
  field(octal(mode, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(content.length, 12), 124, 12);
  field(octal(0, 12), 136, 12);
  field("        ", 148, 8);
  field("0", 156, 1);
  field("ustar\u000000", 257, 8);
  let sum = 0;
  for (const b of header) sum += b;
  field(`${octal(sum, 7)}\u0000`, 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

export interface Image {
  /** Blobs to push first (layers, configs). */
  readonly blobs: readonly Doc[];
  readonly manifest: Doc;
}

/** One platform of a `FROM scratch` + `COPY` image; `payload` makes it as large as a test needs. */
export function platformImage(arch: string, seed: string, payload: Buffer = Buffer.alloc(0)): Image {
  const tar = tarOf("hello", Buffer.concat([Buffer.from(`#!hello from ${seed} ${arch}\n`), payload]));
  const layer = blob(gzipSync(tar, { level: 1 }), OCI_LAYER);
  const config = doc(OCI_CONFIG, {
    architecture: arch,
    os: "linux",
    config: { Cmd: ["/hello"] },
    rootfs: { type: "layers", diff_ids: [sha(tar)] },
  });
  const manifest = doc(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: desc(config),
    layers: [desc(layer)],
  });
  return { blobs: [layer, config], manifest };
}

/** A buildx attestation manifest (SLSA provenance as an in-toto layer) for one platform. */
function attestation(of: Doc, seed: string): Image {
  const statement = blob(
    Buffer.from(
      JSON.stringify({
        _type: "https://in-toto.io/Statement/v0.1",
        predicateType: "https://slsa.dev/provenance/v0.2",
        subject: [{ name: `pkg:docker/${seed}`, digest: { sha256: of.digest.slice(7) } }],
        predicate: { builder: { id: "" }, buildType: "https://mobyproject.org/buildkit@v1" },
      }),
    ),
    "application/vnd.in-toto+json",
  );
  const config = doc(OCI_CONFIG, { architecture: "unknown", os: "unknown", rootfs: { type: "layers" } });
  const manifest = doc(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: desc(config),
    layers: [
      desc(statement, { annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } }),
    ],
  });
  return { blobs: [statement, config], manifest };
}

export interface BuildxIndex {
  readonly platforms: readonly Image[];
  readonly attestations: readonly Image[];
  readonly index: Doc;
  /** Every image (platforms, then attestations) in push order: children before the index. */
  readonly images: readonly Image[];
}

/** What `docker buildx build --platform linux/amd64,linux/arm64 --push` sends (provenance on). */
export function buildxIndex(seed: string, payload?: Buffer): BuildxIndex {
  const platforms = ["amd64", "arm64"].map((a) => platformImage(a, seed, payload));
  const attestations = platforms.map((p) => attestation(p.manifest, seed));
  const index = doc(OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      ...platforms.map((p, i) =>
        desc(p.manifest, { platform: { architecture: i === 0 ? "amd64" : "arm64", os: "linux" } }),
      ),
      ...attestations.map((a, i) =>
        desc(a.manifest, {
          platform: { architecture: "unknown", os: "unknown" },
          annotations: {
            "vnd.docker.reference.digest": platforms[i]?.manifest.digest,
            "vnd.docker.reference.type": "attestation-manifest",
          },
        }),
      ),
    ],
  });
  return { platforms, attestations, index, images: [...platforms, ...attestations] };
}

/** cosign's signature of `subject`, pushed under the tag `sha256-<hex>.sig`. */
export function cosignSignature(subject: Doc, seed: string): Image & { tag: string } {
  const payload = blob(
    Buffer.from(
      JSON.stringify({
        critical: {
          identity: { "docker-reference": seed },
          image: { "docker-manifest-digest": subject.digest },
          type: "cosign container image signature",
        },
        optional: null,
      }),
    ),
    "application/vnd.dev.cosign.simplesigning.v1+json",
  );
  const config = doc(OCI_CONFIG, {
    architecture: "",
    os: "",
    rootfs: { type: "layers", diff_ids: [sha(payload.bytes)] },
  });
  const manifest = doc(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: desc(config),
    layers: [desc(payload, { annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDtest" } })],
  });
  return { blobs: [payload, config], manifest, tag: `sha256-${subject.digest.slice(7)}.sig` };
}

/** An OCI 1.1 referrer (an SPDX SBOM) with `subject`, pushed by digest only, as `oras attach` does. */
export function sbomReferrer(subject: Doc, seed: string): Image {
  const empty = blob(Buffer.from("{}"), EMPTY);
  const sbom = blob(
    Buffer.from(JSON.stringify({ spdxVersion: "SPDX-2.3", name: seed })),
    "application/spdx+json",
  );
  const manifest = doc(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: "application/spdx+json",
    config: desc(empty),
    layers: [desc(sbom, { annotations: { "org.opencontainers.image.title": "sbom.spdx.json" } })],
    subject: desc(subject),
    annotations: { "org.opencontainers.image.created": "2026-12-01T00:00:00Z" },
  });
  return { blobs: [empty, sbom], manifest };
}
