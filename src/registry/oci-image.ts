/**
 * Images built from scratch, byte for byte what `FROM scratch` + `COPY` pushes: a one-file ustar
 * layer, gzipped, its config and manifest, and an index over several platforms. Pure: the same seed
 * gives the same bytes (and digests), so whoever removes an image later can name every blob of it.
 * `ops verify -p deploy-registry` pushes one; the tests push them too.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/** A blob or manifest: its bytes, digest and media type. */
export interface Doc {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
}

/** A manifest and the blobs it names (pushed before it). */
export interface Image {
  readonly blobs: readonly Doc[];
  readonly manifest: Doc;
}

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

/** @example sha("") === "sha256:e3b0c442..." */
export const sha = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** A JSON document as a registry stores it. */
export const jsonDoc = (mediaType: string, value: unknown): Doc => {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, digest: sha(bytes), mediaType };
};

export const blobDoc = (bytes: Buffer, mediaType: string): Doc => ({ bytes, digest: sha(bytes), mediaType });

/** The descriptor of a doc, as a manifest or an index names it. */
export const descriptor = (d: Doc, extra: Record<string, unknown> = {}) => ({
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

/** One platform of a `FROM scratch` + `COPY` image; `payload` makes it as large as needed. */
export function platformImage(arch: string, seed: string, payload: Buffer = Buffer.alloc(0)): Image {
  const tar = tarOf("hello", Buffer.concat([Buffer.from(`#!hello from ${seed} ${arch}\n`), payload]));
  const layer = blobDoc(gzipSync(tar, { level: 1 }), OCI_LAYER);
  const config = jsonDoc(OCI_CONFIG, {
    architecture: arch,
    os: "linux",
    config: { Cmd: ["/hello"] },
    rootfs: { type: "layers", diff_ids: [sha(tar)] },
  });
  const manifest = jsonDoc(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config),
    layers: [descriptor(layer)],
  });
  return { blobs: [layer, config], manifest };
}

/** An image index and its platform images (pushed first, by digest). */
export interface ImageIndex {
  readonly platforms: readonly Image[];
  readonly index: Doc;
}

/** Architectures Docker engines run on, as OCI names them: an engine pulls the one it is. */
export const ENGINE_ARCHITECTURES = ["amd64", "arm64", "ppc64le", "s390x"] as const;

/**
 * A tiny multi-platform image, one platform per architecture: an engine pulling the index by digest
 * gets its own platform, whatever machine made the image.
 *
 * @example scratchIndex("ops verify 1a2b").index.digest // "sha256:…", the same for the same seed
 */
export function scratchIndex(seed: string, archs: readonly string[] = ENGINE_ARCHITECTURES): ImageIndex {
  const platforms = archs.map((a) => platformImage(a, seed));
  const index = jsonDoc(OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: platforms.map((p, i) =>
      descriptor(p.manifest, { platform: { architecture: archs[i], os: "linux" } }),
    ),
  });
  return { platforms, index };
}
