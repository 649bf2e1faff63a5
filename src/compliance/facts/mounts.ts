/**
 * The host's mount points (from /proc/mounts), so a judge can tell which filesystem holds a path:
 * the CIS benchmark wants Docker's data root on its own partition. Mounts Docker makes for its own
 * containers (overlay layers, shm, netns) and the kernel's pseudo filesystems are left out in the
 * probe: a busy host has hundreds of them and none can hold the data root.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

export interface MountPoint {
  readonly target: string;
  readonly source: string;
  readonly fstype: string;
}

const NAME = "mounts";

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMounts(stdout: string): MountPoint[] {
  return lines(stdout)
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const [source, target, fstype] = line.split(" ");
      if (!source || !target || !fstype) throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
      return { target: unescape(target), source: unescape(source), fstype };
    });
}

/**
 * The mount whose target is the longest prefix of `path`: the filesystem that holds it.
 *
 * @example mountOf(mounts, "/var/lib/docker") // { target: "/var/lib/docker", source: "/dev/vdb1", fstype: "xfs" }
 */
export function mountOf(mounts: readonly MountPoint[], path: string): MountPoint | undefined {
  const within = (target: string) =>
    target === "/" || path === target || path.startsWith(target.endsWith("/") ? target : `${target}/`);
  // The last of equally long targets wins: a later mount hides an earlier one on the same point.
  let best: MountPoint | undefined;
  for (const m of mounts) if (within(m.target) && m.target.length >= (best?.target.length ?? -1)) best = m;
  return best;
}

/** @example mountOf(facts.get(mounts), "/var/lib/docker") */
export const mounts: Fact<MountPoint[]> = {
  name: NAME,
  probe: [
    'awk \'$2 !~ /^\\/(proc|sys|dev)(\\/|$)/ && $2 !~ /\\/(overlay2|overlay|containers|plugins|netns)\\// && $3 != "nsfs"',
    "  { print $1, $2, $3 }' /proc/mounts",
  ].join(" "),
  parse: parseMounts,
};
