/**
 * A verified bundle on a host: streamed over the run's connection once, into
 * `/var/lib/ops/bundles/<sha256>.part` (a copy cut short is resumed from where it stopped), checked
 * against the sha256 the control machine computed, then unpacked into `/var/lib/ops/bundles/<sha256>/`,
 * which a marker file completes. A host whose marker names that sha256 is skipped without a byte sent.
 */
import { createReadStream } from "node:fs";
import { FactError } from "../errors.js";
import type { Fact } from "../facts/fact.js";
import { kernel } from "../facts/kernel.js";
import { osRelease } from "../facts/os-release.js";
import { humanBytes } from "../text/bytes.js";
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "../resources/resource.js";
import { repoFor, repoText } from "./manifest.js";
import type { VerifiedBundle } from "./verify.js";

export const BUNDLES_DIR = "/var/lib/ops/bundles";
const MARKER = ".ops-bundle-complete";

/** Where a bundle is unpacked on a host. */
export const bundleDir = (sha256: string): string => `${BUNDLES_DIR}/${sha256}`;

export type BundleOnHost =
  | { readonly state: "complete" }
  | { readonly state: "partial"; readonly bytes: number }
  | { readonly state: "absent" };

export function parseBundleOnHost(name: string, stdout: string): BundleOnHost {
  const line = stdout.trim();
  if (line === "complete") return { state: "complete" };
  if (line === "absent") return { state: "absent" };
  const m = /^partial (\d{1,15})$/.exec(line);
  if (m?.[1]) return { state: "partial", bytes: Number(m[1]) };
  throw new FactError(name, `unexpected output "${line.slice(0, 80)}"`);
}

/** @example facts.get(bundleOnHost(sha)) // { state: "partial", bytes: 52428800 } */
export function bundleOnHost(sha256: string): Fact<BundleOnHost> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FactError("bundle", `"${sha256}" is not a sha256`);
  const name = `bundle:${sha256}`;
  const dir = quote(bundleDir(sha256));
  const part = quote(`${bundleDir(sha256)}.part`);
  return {
    name,
    probe: [
      `if [ "$(cat ${dir}/${MARKER} 2>/dev/null)" = ${quote(sha256)} ]; then echo complete`,
      `elif [ -f ${part} ]; then echo "partial $(wc -c < ${part} | tr -d ' ')"`,
      "else echo absent; fi",
    ].join("\n"),
    parse: (stdout) => parseBundleOnHost(name, stdout),
  };
}

export interface BundleCopyOptions {
  readonly bundle: VerifiedBundle;
  /** The host needs the bundle's repo for its OS and architecture (install-engine). */
  readonly needsRepo: boolean;
}

/**
 * @example bundleCopy({ bundle: await verifyBundle("site.bundle.tar"), needsRepo: true })
 */
export function bundleCopy(o: BundleCopyOptions): Resource {
  const { sha256, size, path, manifest } = o.bundle;
  const on = bundleOnHost(sha256);
  const short = sha256.slice(0, 12);
  const dir = bundleDir(sha256);
  const part = `${dir}.part`;
  return {
    id: `bundle:${short}`,
    facts: [on, osRelease, kernel],
    plan(facts) {
      if (o.needsRepo) {
        const os = facts.get(osRelease);
        const arch = facts.get(kernel).arch;
        const host = { family: os.family === "el" ? "rpm" : "deb", os: os.id, major: os.major, arch };
        if (!repoFor(manifest, host)) {
          const has = manifest.repos.map(repoText).join(", ") || "none";
          const name = host.family === "rpm" ? `el${os.major}` : `${os.id} ${os.major}`;
          const platform = host.family === "rpm" ? `${os.major}/${arch}` : `${os.id}${os.major}/${arch}`;
          return fail(
            `the bundle has no packages for ${name} ${arch} (it has: ${has}); nothing was sent`,
            `create it again with this host in the inventory, or --platform ${platform}`,
          );
        }
      }
      const state = facts.get(on);
      if (state.state === "complete") return noop(`bundle ${short} is on the host (${dir})`);
      // A part longer than the bundle is not ours to resume: it is sent again from the start.
      const from = state.state === "partial" && state.bytes <= size ? state.bytes : 0;
      const p = quote(part);
      const d = quote(dir);
      return change(
        {
          description: `send bundle ${short} (${humanBytes(size - from)}${from > 0 ? `, resuming at byte ${from}` : ""})`,
          script: [
            "set -e",
            "umask 077",
            `mkdir -p ${quote(BUNDLES_DIR)}`,
            `chmod 700 ${quote(BUNDLES_DIR)}`,
            // The part must still end where the plan saw it end, else the bytes would not line up.
            from > 0
              ? `[ "$(wc -c < ${p} | tr -d ' ')" = ${from} ] || { echo "${part} changed since it was read" >&2; exit 1; }`
              : `: > ${p}`,
            `cat >> ${p}`,
          ].join("\n"),
          stdinStream: () => createReadStream(path, { start: from }),
        },
        {
          description: `check bundle ${short} (sha256) and unpack it into ${dir}`,
          script: [
            "set -e",
            `got=$(sha256sum ${p} | cut -d' ' -f1)`,
            `if [ "$got" != ${quote(sha256)} ]; then rm -f ${p}; echo "the copy on the host has sha256 $got, not ${sha256}: removed; run again" >&2; exit 1; fi`,
            `rm -rf ${d} ${quote(`${dir}.tmp`)}`,
            `mkdir -m 700 ${quote(`${dir}.tmp`)}`,
            `tar -xf ${p} -C ${quote(`${dir}.tmp`)} --no-same-owner --no-same-permissions`,
            `chmod -R go-w ${quote(`${dir}.tmp`)}`,
            `echo ${quote(sha256)} > ${quote(`${dir}.tmp/${MARKER}`)}`,
            `mv ${quote(`${dir}.tmp`)} ${d}`,
            `rm -f ${p}`,
          ].join("\n"),
        },
      );
    },
  };
}
