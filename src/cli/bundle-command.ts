/**
 * `ops bundle create`: on a connected machine, everything the chosen playbooks install on the
 * inventory's hosts, in one file for hosts that reach nothing but the control machine. The hosts'
 * OS major versions and architectures come from `--platform`, or from one read-only probe per host.
 * `ops bundle verify FILE` checks a bundle the way `ops run --bundle` does before sending it.
 */
import { resolve } from "node:path";
import pLimit from "p-limit";
import { BUNDLE_PLAYBOOKS, bundleContents, ContentsError } from "../../playbooks/bundle-contents.js";
import { createBundle, type Platform } from "../bundle/create.js";
import { keyId } from "../bundle/signature.js";
import { keyPlaces, signingKey, trustedKeys } from "../bundle/signing-keys.js";
import { repoText } from "../bundle/manifest.js";
import { verifyBundle } from "../bundle/verify.js";
import { ConfigError } from "../errors.js";
import { parseKernel } from "../facts/kernel.js";
import { parseOsRelease, osRelease } from "../facts/os-release.js";
import { makeConnector, sshOptionsFrom } from "../run/connector.js";
import { prepareRun } from "../run/prepare.js";
import { builtinVariableNames } from "../../playbooks/index.js";
import { humanBytes } from "../text/bytes.js";
import { EXIT } from "./exit-codes.js";
import { loadPlaybook } from "./load-playbook.js";
import type { TargetCliOptions } from "./target-options.js";
import { keyringFrom } from "./vault-options.js";

export interface BundleCreateOptions extends TargetCliOptions {
  playbook: string[];
  output: string;
  platform: string[];
  imageSource?: string;
}

type Write = (text: string) => void;

/** Codenames of the apt releases Docker publishes for, for `--platform debian12/x86_64`. */
const CODENAMES: Readonly<Record<string, string>> = {
  debian11: "bullseye",
  debian12: "bookworm",
  debian13: "trixie",
  ubuntu20: "focal",
  ubuntu22: "jammy",
  ubuntu24: "noble",
};

/** `9/x86_64`, `el9-x86_64` (EL), `debian12/x86_64`, `ubuntu22/aarch64` (apt). */
export function parsePlatform(text: string): Platform {
  const m = /^(el|debian|ubuntu)?(\d{1,2})[/-]([a-z0-9_]+)$/.exec(text.trim());
  if (!m?.[2] || !m[3])
    throw new ConfigError(`--platform ${text}: expected MAJOR/ARCH such as 9/x86_64 or debian12/x86_64`, {});
  const major = Number(m[2]);
  if (m[1] === undefined || m[1] === "el") return { major, arch: m[3] };
  const codename = CODENAMES[`${m[1]}${major}`];
  if (!codename) throw new ConfigError(`--platform ${text}: Docker publishes no apt tree for it`, {});
  return { os: m[1], major, codename, arch: m[3] };
}

/** "el9 x86_64", "debian 12 (bookworm) x86_64". */
const platformText = (p: Platform): string =>
  p.codename === undefined ? `el${p.major} ${p.arch}` : `${p.os ?? ""} ${p.major} (${p.codename}) ${p.arch}`;

// The os-release probe ends with `exit 0`: it runs in a subshell so uname still runs.
const PROBE = `(\n${osRelease.probe}\n)\necho '@@uname@@'\nuname -r; uname -m`;

/** Each target's platform (OS, major, codename, architecture), one read-only command per host. */
async function probePlatforms(
  opts: BundleCreateOptions,
  hosts: Parameters<ReturnType<typeof makeConnector>>[0][],
) {
  const connect = makeConnector(sshOptionsFrom(opts));
  const limit = pLimit(Math.max(1, opts.forks));
  const found = await Promise.all(
    hosts.map((host) =>
      limit(async () => {
        const t = await connect(host);
        try {
          const r = await t.exec(PROBE, { become: false });
          const [os = "", uname = ""] = r.stdout.split("@@uname@@\n");
          const release = parseOsRelease(os);
          const arch = parseKernel(uname).arch;
          if (release.family === "el") return { major: release.major, arch };
          if ((release.id === "debian" || release.id === "ubuntu") && release.codename !== "")
            return { os: release.id, major: release.major, codename: release.codename, arch };
          throw new ConfigError(
            `${host.name}: ${release.prettyName} is neither an EL host nor Debian or Ubuntu; bundles hold Docker's rpm and apt trees only`,
            {},
          );
        } finally {
          await t.close();
        }
      }),
    ),
  );
  return found;
}

/** @example await bundleCreate({ playbook: ["install-engine"], output: "site.bundle.tar", inventory: "hosts.yaml", ... }, write) */
export async function bundleCreate(opts: BundleCreateOptions, write: Write): Promise<number> {
  const names = opts.playbook.length > 0 ? opts.playbook : [...BUNDLE_PLAYBOOKS];
  for (const n of names)
    if (!(BUNDLE_PLAYBOOKS as readonly string[]).includes(n))
      throw new ConfigError(
        `--playbook ${n}: a bundle holds what ${BUNDLE_PLAYBOOKS.join(" and ")} install`,
        {},
      );
  const playbooks = await Promise.all(names.map((n) => loadPlaybook(n)));
  const vault = keyringFrom(opts);
  const prepared = await prepareRun({
    playbooks,
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    known: await builtinVariableNames(),
    vault,
  }).finally(() => vault.dispose());
  // --platform: every host is bundled for each one given; else each for its own.
  const given = opts.platform.map(parsePlatform);
  const probed =
    given.length > 0
      ? prepared.targets.map(() => given)
      : (
          await probePlatforms(
            opts,
            prepared.targets.map((t) => t.host),
          )
        ).map((p) => [p]);
  const platforms = [...new Map(probed.flat().map((p) => [platformText(p), p])).values()];
  let contents;
  try {
    contents = bundleContents(
      names,
      prepared.targets.map((t, i) => ({ vars: t.vars, platforms: probed[i] ?? [] })),
      opts.imageSource,
    );
  } catch (err) {
    if (err instanceof ContentsError) throw new ConfigError(err.message, { file: opts.inventory });
    throw err;
  }
  const places = keyPlaces();
  const signer = await signingKey(places);
  if (signer.created)
    write(
      `made this machine's bundle signing key ${signer.id} (${places.privateFile}); to use its bundles from another control machine, copy ${places.publicFile} into that machine's ~/.config/ops/bundle-trusted/\n`,
    );
  write(`bundle for ${platforms.map(platformText).join(", ")}: ${names.join(", ")}\n`);
  for (const line of contents.notBundled) write(`  not in the bundle: ${line}\n`);
  const t0 = Date.now();
  const out = resolve(opts.output);
  const result = await createBundle({
    playbooks: names,
    platforms,
    ...(contents.rpm ? { rpm: contents.rpm } : {}),
    ...(contents.deb ? { deb: contents.deb } : {}),
    images: contents.images,
    out,
    now: new Date(),
    signingKey: signer.key,
    log: (line) => write(`  ${line}\n`),
  });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  write(
    `wrote ${out}: ${humanBytes(result.size)} (${result.size} bytes), ${result.manifest.files.length} files, sha256 ${result.sha256}, signed by ${signer.id}, in ${s} s\n`,
  );
  for (const r of result.manifest.repos)
    if (r.fromBase.length > 0)
      write(`  ${repoText(r)}: the hosts must already have ${r.fromBase.join(", ")}\n`);
  return EXIT.ok;
}

/** @example await bundleVerify("site.bundle.tar", write) */
export async function bundleVerify(file: string, write: Write): Promise<number> {
  const b = await verifyBundle(resolve(file), trustedKeys(keyPlaces()));
  write(
    `${file}: signed by ${b.signedBy}; ${b.manifest.files.length} files match the manifest; sha256 ${b.sha256}, ${b.size} bytes\n`,
  );
  for (const r of b.manifest.repos) write(`  ${r.family} ${repoText(r)}: ${r.packages.join(", ")}\n`);
  for (const i of b.manifest.images) write(`  image ${i.ref} (${i.arch}) ${i.id}\n`);
  return EXIT.ok;
}

/** @example await bundleKey(write) // "signing key ed25519:… at ~/.config/ops/bundle-signing/key.pem" */
export async function bundleKey(write: Write): Promise<number> {
  const places = keyPlaces();
  const own = await signingKey(places);
  write(
    `${own.created ? "made " : ""}signing key ${own.id}\n  private: ${places.privateFile}\n  public:  ${places.publicFile}\n`,
  );
  write(`trusted (own key and ${places.trustedDir}/*.pem):\n`);
  for (const k of trustedKeys(places)) write(`  ${keyId(k)}\n`);
  return EXIT.ok;
}
