/**
 * Realistic registry content, byte for byte what the tools push: a docker buildx multi-platform
 * image index with its attestation manifests (`vnd.docker.reference.type: attestation-manifest`),
 * a cosign tag-schema signature (`sha256-<hex>.sig`), an OCI 1.1 referrer with `subject` (an SBOM
 * as `oras attach` sends it) and plain single-platform images. Layers are real gzipped tars, so an
 * engine can pull and run what the unit tests plan over and the e2e test pushes.
 */
import {
  OCI_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  blobDoc as blob,
  descriptor as desc,
  jsonDoc as doc,
  platformImage,
  sha,
  tarOf,
  type Doc,
  type Image,
} from "../../../../src/registry/oci-image.js";

export { OCI_INDEX, OCI_MANIFEST, platformImage, sha, tarOf, type Doc, type Image };

const EMPTY = "application/vnd.oci.empty.v1+json";

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
