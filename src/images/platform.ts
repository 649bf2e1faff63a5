/**
 * Image platforms (os/architecture/variant, as image indexes and configs name them), a host's
 * platform from its `uname -m`, and which entry of a multi-platform index serves a host. Pure.
 */

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** `uname -m` -> the platform images are made for. */
const UNAME: Readonly<Record<string, Platform>> = {
  x86_64: { os: "linux", architecture: "amd64" },
  amd64: { os: "linux", architecture: "amd64" },
  aarch64: { os: "linux", architecture: "arm64", variant: "v8" },
  arm64: { os: "linux", architecture: "arm64", variant: "v8" },
  armv7l: { os: "linux", architecture: "arm", variant: "v7" },
  armv6l: { os: "linux", architecture: "arm", variant: "v6" },
  i386: { os: "linux", architecture: "386" },
  i686: { os: "linux", architecture: "386" },
  ppc64le: { os: "linux", architecture: "ppc64le" },
  s390x: { os: "linux", architecture: "s390x" },
  riscv64: { os: "linux", architecture: "riscv64" },
};

/** @example hostPlatform("aarch64") // { os: "linux", architecture: "arm64", variant: "v8" } */
export function hostPlatform(unameArch: string): Platform {
  return UNAME[unameArch] ?? { os: "linux", architecture: unameArch };
}

/** @example platformName({ os: "linux", architecture: "arm", variant: "v7" }) // "linux/arm/v7" */
export function platformName(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/");
}

/** arm64's only variant is v8: an image that names none is the same platform. */
const variantOf = (p: Platform): string | undefined =>
  p.variant ?? (p.architecture === "arm64" ? "v8" : undefined);

/**
 * Whether an image made for `image` runs on `host` as is: same os and architecture, and the same
 * variant when both name one.
 */
export function runsOn(image: Platform, host: Platform): boolean {
  if (image.os !== host.os || image.architecture !== host.architecture) return false;
  const [a, b] = [variantOf(image), variantOf(host)];
  return a === undefined || b === undefined || a === b;
}

/**
 * The entry of an index for `host`: one with its exact variant first, then one that names none.
 *
 * @example choosePlatform([{ platform: amd64 }, { platform: arm64 }], hostPlatform("aarch64")) // the arm64 one
 */
export function choosePlatform<T extends { readonly platform: Platform }>(
  entries: readonly T[],
  host: Platform,
): T | undefined {
  const fits = entries.filter((e) => runsOn(e.platform, host));
  return fits.find((e) => variantOf(e.platform) === variantOf(host)) ?? fits[0];
}
