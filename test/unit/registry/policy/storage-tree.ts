/**
 * A Distribution 2.8 filesystem storage tree in a temporary folder, laid out as the registry writes
 * it (registry/storage/paths.go), for tests of the policy service's reader and decisions.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const digestOf = (body: string | Buffer): string =>
  `sha256:${createHash("sha256").update(body).digest("hex")}`;

export class StorageTree {
  readonly root = mkdtempSync(join(tmpdir(), "ops-unit-policy-"));

  private get v2(): string {
    return join(this.root, "docker/registry/v2");
  }

  /** Stores a blob; returns its digest. */
  blob(body: string | Buffer): string {
    const digest = digestOf(body);
    const hex = digest.slice(7);
    const dir = join(this.v2, "blobs/sha256", hex.slice(0, 2), hex);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "data"), body);
    return digest;
  }

  /** An image manifest over `layers` (sizes) with a config; stored in `repo`, tagged when asked. */
  image(
    repo: string,
    layerSizes: readonly number[],
    tag?: string,
    seed = "x",
  ): { digest: string; body: string } {
    const config = `{"seed":"${seed}"}`;
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: this.blob(config),
        size: config.length,
      },
      layers: layerSizes.map((n, i) => {
        const layer = Buffer.alloc(n, `${seed}${i}`);
        return {
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: this.blob(layer),
          size: n,
        };
      }),
    });
    return { digest: this.manifest(repo, body, tag), body };
  }

  /** Stores a manifest body as a revision of `repo`, tagged when asked; returns its digest. */
  manifest(repo: string, body: string, tag?: string): string {
    const digest = this.blob(body);
    this.link(repo, digest);
    if (tag !== undefined) this.tag(repo, tag, digest);
    return digest;
  }

  /** Makes a stored manifest a revision of `repo` (as a cross-repository push of the same manifest). */
  link(repo: string, digest: string): void {
    const rev = join(this.v2, "repositories", repo, "_manifests/revisions/sha256", digest.slice(7));
    mkdirSync(rev, { recursive: true });
    writeFileSync(join(rev, "link"), digest);
  }

  tag(repo: string, tag: string, digest: string): void {
    const dir = join(this.v2, "repositories", repo, "_manifests/tags", tag, "current");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "link"), digest);
  }

  /** An upload in progress holding `size` bytes. */
  upload(repo: string, id: string, size: number): void {
    const dir = join(this.v2, "repositories", repo, "_uploads", id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "data"), Buffer.alloc(size, 1));
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
