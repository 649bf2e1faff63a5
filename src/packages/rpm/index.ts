/**
 * The rpm family: dnf where present (EL 8+, Fedora), else yum (EL 7); the rpm database answers
 * what is installed (Provides honoured) and which OpenPGP keys are trusted (`gpg-pubkey`).
 */
import { quote, sh } from "../../transport/quote.js";
import type { InstalledPackage, PackageFamily, RepositorySpec } from "../family.js";
import { rpmPackages, type RpmPackage } from "./installed.js";
import { repoFile } from "./repo-file.js";
import { comparePin, parseEvr, pinSpec } from "./version.js";

/** rpm's installed packages carry their release and epoch; a provider of another family's would not. */
function asRpm(p: InstalledPackage): RpmPackage {
  const r = p as Partial<RpmPackage>;
  if (typeof r.release !== "string" || typeof r.epoch !== "number")
    throw new Error(`${p.version} is not an rpm package version`);
  return r as RpmPackage;
}

function pinError(pin: string): string | undefined {
  try {
    parseEvr(pin);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * dnf's and yum's options that read only `only`'s enabled sections: every repo is disabled first, so
 * one whose baseurl is unreachable (an air-gapped host's leftover) is never fetched.
 */
function onlyArgs(only: RepositorySpec | undefined): string[] {
  if (!only) return [];
  const ids = only.sources.filter((s) => s.enabled !== false).map((s) => `--enablerepo=${s.id}`);
  return ["--disablerepo=*", ...ids];
}

export const rpm: PackageFamily = {
  name: "rpm",
  osFamilies: ["el"],
  managers: ["dnf", "yum"],
  installed: rpmPackages,
  pinError,
  comparePin: (installed, pin) => comparePin(asRpm(installed), parseEvr(pin)),
  // dnf and yum take "name-version[-release]" without the epoch.
  pinSpec: (name, pin) => `${name}-${pinSpec(parseEvr(pin))}`,
  pinText: (pin) => pinSpec(parseEvr(pin)),
  versionText: (installed) => {
    const p = asRpm(installed);
    return `${p.epoch ? `${p.epoch}:` : ""}${p.version}-${p.release}`;
  },
  // --allowerasing lets dnf swap packages that obsolete each other (runc vs containerd.io).
  installScript: (manager, specs, only) =>
    sh(
      manager === "dnf"
        ? ["dnf", "-y", ...onlyArgs(only), "install", "--allowerasing", ...specs]
        : [manager, "-y", ...onlyArgs(only), "install", ...specs],
    ),
  removeScript: (manager, names) => sh([manager, "-y", "remove", ...names]),
  downgradeScript: (manager, specs, only) => sh([manager, "-y", ...onlyArgs(only), "downgrade", ...specs]),
  repositoryFile: (spec) => repoFile(spec),
  keyPath: (name) => `/etc/pki/rpm-gpg/${name}.gpg`,
  // rpm names an imported key gpg-pubkey-<the low 8 hex digits of its key id>.
  keyTrustedTest: (fingerprint) =>
    `command -v rpm >/dev/null 2>&1 && rpm -q ${quote(`gpg-pubkey-${fingerprint.slice(-8).toLowerCase()}`)} >/dev/null 2>&1`,
  trustKeySteps: (path) => [
    { description: `import ${path} into rpm`, script: `set -e\nrpm --import ${quote(path)}` },
  ],
};
