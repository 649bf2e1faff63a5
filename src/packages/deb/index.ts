/**
 * The deb family: apt-get installs (Debian, Ubuntu and their derivatives), dpkg's database answers
 * what is installed (Provides honoured, holds seen), repositories are deb822 `.sources` files whose
 * `Signed-By:` names the verified key, which is never added to a global keyring (no apt-key).
 */
import { quote } from "../../transport/quote.js";
import type { InstalledPackage, PackageFamily } from "../family.js";
import { debPackages, type DebPackage } from "./installed.js";
import { downgradeScript, installScript, removeScript } from "./scripts.js";
import { sourcesFile, sourcesPath } from "./sources-file.js";
import { comparePin, parsePin, versionText } from "./version.js";

/** dpkg's installed packages carry their revision; a provider of another family's would not. */
function asDeb(p: InstalledPackage): DebPackage {
  const d = p as Partial<DebPackage>;
  if (typeof d.upstream !== "string" || typeof d.revision !== "string" || typeof d.epoch !== "number")
    throw new Error(`${p.version} is not a Debian package version`);
  return d as DebPackage;
}

function pinError(pin: string): string | undefined {
  try {
    parsePin(pin);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export const deb: PackageFamily = {
  name: "deb",
  osFamilies: ["debian"],
  managers: ["apt-get"],
  installed: debPackages,
  pinError,
  comparePin: (installed, pin) => comparePin(asDeb(installed), parsePin(pin)),
  // apt-get takes name=version; an upstream-only pin is resolved on the host (see scripts.ts).
  pinSpec: (name, pin) => `${name}=${versionText(parsePin(pin))}`,
  pinText: (pin) => versionText(parsePin(pin)),
  versionText: (installed) => versionText(asDeb(installed)),
  installScript: (_manager, specs, only) => installScript(specs, only && sourcesPath(only.name)),
  removeScript: (_manager, names) => removeScript(names),
  downgradeScript: (_manager, specs, only) => downgradeScript(specs, only && sourcesPath(only.name)),
  repositoryFile: (spec, host) => sourcesFile(spec, host),
  // Armored, as Docker publishes it: apt reads a Signed-By file ending in .asc as an armored key.
  keyPath: (name) => `/etc/apt/keyrings/${name}.asc`,
  // Trusted when the key file holds that fingerprint. Without gpg on the host the key is fetched and
  // verified on the control side each run, and only rewritten when its bytes differ.
  keyTrustedTest: (fingerprint, path) =>
    [
      `test -s ${quote(path)} && command -v gpg >/dev/null 2>&1 && (`,
      // A throwaway home: reading a key file must not create or touch root's keyring.
      "  h=$(mktemp -d) || exit 1",
      `  gpg --homedir "$h" --batch --show-keys --with-colons ${quote(path)} 2>/dev/null | grep -q ${quote(`^fpr:*${fingerprint.toUpperCase()}:`)}`,
      '  r=$?; rm -rf "$h"; exit "$r"',
      ")",
    ].join("\n"),
  trustKeySteps: () => [],
};
