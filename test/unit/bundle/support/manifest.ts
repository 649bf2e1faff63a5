import { BUNDLE_FORMAT, type BundleManifest } from "../../../../src/bundle/manifest.js";

/** The busybox image entry of {@link el9Manifest}. */
export const BUSYBOX_IMAGE: BundleManifest["images"][number] = {
  ref: "busybox",
  arch: "x86_64",
  path: "images/x86_64/busybox_latest.tar",
  id: `sha256:${"a".repeat(64)}`,
  manifestDigest: `sha256:${"b".repeat(64)}`,
};

/**
 * A bundle manifest for one platform (CentOS 9, x86_64) with busybox and no key or files, the shape
 * `ops bundle create` writes; each test overrides what it is about.
 */
export function el9Manifest(over: Partial<BundleManifest> = {}): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    created: "2026-01-01T00:00:00.000Z",
    playbooks: ["install-engine"],
    repos: [
      {
        family: "rpm",
        os: "centos",
        major: 9,
        arch: "x86_64",
        base: "rpm/centos",
        packages: [],
        fromBase: [],
      },
    ],
    images: [BUSYBOX_IMAGE],
    files: [],
    ...over,
  };
}
