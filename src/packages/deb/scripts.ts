/**
 * The apt-get commands of the deb family, as POSIX sh: non-interactive (no debconf question, existing
 * configuration files kept), waiting for another apt or dpkg run to release its lock instead of
 * failing, refusing to touch packages on hold, and resolving an upstream-only pin (`24.0.7`) to the
 * repository's newest Debian version of it, as get.docker.com does with `apt-cache madison`.
 */
import { quote, sh } from "../../transport/quote.js";
import { parsePin } from "./version.js";

/** Seconds apt-get waits for the dpkg lock another apt, dpkg or unattended-upgrades run holds. */
export const LOCK_WAIT_SECONDS = 300;

const APT = [
  "apt-get",
  "-q",
  "-y",
  "-o",
  `DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS}`,
  "-o",
  "Dpkg::Options::=--force-confdef",
  "-o",
  "Dpkg::Options::=--force-confold",
];

const PRELUDE = ["set -e", "DEBIAN_FRONTEND=noninteractive", "export DEBIAN_FRONTEND"];

// apt-cache madison lists a package's versions newest first: " name | 5:24.0.7-1~debian.12~bookworm | url".
// The first whose version, without revision (and without epoch), is the pin wins.
const resolver = (options: readonly string[]): string[] => [
  "ops_resolve() {",
  `  v=$(${sh(["apt-cache", ...options, "madison"])} "$1" | awk -F '|' -v p="$2" '{ v = $2; gsub(/ /, "", v); e = v; sub(/-[^-]*$/, "", e); u = e; sub(/^[0-9]+:/, "", u); if (v == p || e == p || u == p) { print v; exit } }')`,
  '  if [ -z "$v" ]; then echo "ops: no version $2 of $1 in the configured apt repositories" >&2; exit 1; fi',
  '  printf "%s=%s" "$1" "$v"',
  "}",
];

/** name or name=version. */
function split(spec: string): { name: string; pin?: string } {
  const at = spec.indexOf("=");
  return at < 0 ? { name: spec } : { name: spec.slice(0, at), pin: spec.slice(at + 1) };
}

/** Packages on hold are left as they are: apt would refuse anyway, this says which and why. */
function holdGuard(names: readonly string[]): string[] {
  return [
    `held=$(apt-mark showhold ${sh(names)})`,
    'if [ -n "$held" ]; then',
    '  echo "ops: held with apt-mark hold, so ops leaves them as they are:" $held "(apt-mark unhold to let ops change them)" >&2',
    "  exit 1",
    "fi",
  ];
}

/**
 * apt's options that read the one sources file `sourcesFile` and no other (sources.list and
 * sources.list.d are left out), keeping the other sources' downloaded lists: an air-gapped host's
 * other sources point at mirrors it cannot reach.
 */
function onlyOptions(sourcesFile: string | undefined): string[] {
  if (sourcesFile === undefined) return [];
  return [
    "-o",
    `Dir::Etc::SourceList=${sourcesFile}`,
    "-o",
    "Dir::Etc::SourceParts=-",
    "-o",
    "APT::Get::List-Cleanup=0",
  ];
}

/** apt-get install (or downgrade, with --allow-downgrades) of specs, after refreshing the lists. */
function installLike(specs: readonly string[], extra: readonly string[], only?: string): string {
  const parsed = specs.map(split);
  const needsResolve = parsed.filter((p) => p.pin !== undefined && parsePin(p.pin).revision === undefined);
  const words = parsed.map((p, i) =>
    p.pin !== undefined && needsResolve.includes(p) ? `"$ops_spec${i}"` : quote(specs[i] ?? ""),
  );
  const apt = [...APT, ...onlyOptions(only)];
  return [
    ...PRELUDE,
    ...holdGuard(parsed.map((p) => p.name)),
    sh([...apt, "update"]),
    ...(needsResolve.length > 0 ? resolver(onlyOptions(only)) : []),
    ...parsed.flatMap((p, i) =>
      needsResolve.includes(p) ? [`ops_spec${i}=$(ops_resolve ${sh([p.name, p.pin ?? ""])})`] : [],
    ),
    `${sh([...apt, ...extra, "install"])} ${words.join(" ")}`,
  ].join("\n");
}

/** `only`: the one sources file apt reads (see onlyOptions). */
export function installScript(specs: readonly string[], only?: string): string {
  return installLike(specs, [], only);
}

export function downgradeScript(specs: readonly string[], only?: string): string {
  return installLike(specs, ["--allow-downgrades"], only);
}

export function removeScript(names: readonly string[]): string {
  return [...PRELUDE, ...holdGuard(names), sh([...APT, "remove", ...names])].join("\n");
}
