/**
 * The dependency walk both package families share: from the packages a playbook installs, add, for
 * each need no chosen package meets yet, its first candidate from the repo, until nothing is
 * missing. A hard need (rpm Requires, deb Depends) that no candidate meets is the base system's and
 * is listed; a soft one (deb Recommends, which apt skips when no source has it) is dropped. The
 * families say what a need is and in which order its candidates come. Pure.
 */

export interface Need<P> {
  /** What a person reads when the base system must meet it: "iptables", "cgroupfs-mount | cgroup-lite". */
  readonly label: string;
  readonly hard: boolean;
  /** Whether a package meets it. */
  readonly met: (p: P) => boolean;
  /** The repo's packages that meet it, the one the package manager would take first. */
  readonly candidates: () => readonly P[];
}

/**
 * @example closeOver(start, (p) => p.requires.map(...)) // { packages: [...sorted by name], fromBase: [...] }
 */
export function closeOver<P extends { readonly name: string }>(
  start: readonly P[],
  needsOf: (p: P) => readonly Need<P>[],
): { packages: P[]; fromBase: string[] } {
  const chosen = new Map(start.map((p) => [p.name, p]));
  const fromBase = new Set<string>();
  const queue = [...chosen.values()];
  for (let p = queue.shift(); p; p = queue.shift()) {
    for (const need of needsOf(p)) {
      if ([...chosen.values()].some(need.met)) continue;
      const provider = need.candidates()[0];
      if (!provider) {
        if (need.hard) fromBase.add(need.label);
        continue;
      }
      chosen.set(provider.name, provider);
      queue.push(provider);
    }
  }
  return {
    packages: [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name)),
    fromBase: [...fromBase].sort(),
  };
}
