/**
 * Which RPMs of a repo a bundle must carry: the packages a playbook installs (at its pinned version,
 * else the newest, as dnf would choose) and, transitively, whatever they require that the same repo
 * provides. A requirement no package of the repo provides (/bin/sh, systemd, iptables) is the base
 * system's: it is listed, so a person sees what the host must already have. Pure.
 */
import { rpmvercmp, type Evr } from "../packages/rpm/version.js";
import { closeOver } from "./closure.js";
import type { RepoPackage, RpmDep } from "./yum-metadata.js";

export interface ClosureRequest {
  readonly names: readonly string[];
  /** The version pin, applied to `pinned` names (epoch ignored, as the packages resource does). */
  readonly pin?: Evr;
  readonly pinned?: readonly string[];
  /** The host's architecture: packages of it or noarch are candidates. */
  readonly arch: string;
}

export interface Closure {
  /** Chosen packages, sorted by name. */
  readonly packages: readonly RepoPackage[];
  /** Requirements the repo does not provide, sorted: the base system must. */
  readonly fromBase: readonly string[];
}

export class ClosureError extends Error {}

interface EvrFull {
  epoch: number;
  version: string;
  release?: string | undefined;
}

function compareEvr(a: EvrFull, b: EvrFull): number {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0 || a.release === undefined || b.release === undefined) return v;
  return rpmvercmp(a.release, b.release);
}

const evrOf = (p: RepoPackage): EvrFull => ({ epoch: p.epoch, version: p.version, release: p.release });

/** Whether a provide satisfies a requirement's version constraint (an unversioned side matches any). */
function satisfies(provide: RpmDep, need: RpmDep): boolean {
  if (provide.name !== need.name) return false;
  if (!need.flags || need.version === undefined || provide.version === undefined) return true;
  const cmp = compareEvr(
    { epoch: provide.epoch ?? 0, version: provide.version, release: provide.release },
    { epoch: need.epoch ?? 0, version: need.version, release: need.release },
  );
  switch (need.flags) {
    case "EQ":
      return cmp === 0;
    case "LT":
      return cmp < 0;
    case "LE":
      return cmp <= 0;
    case "GT":
      return cmp > 0;
    case "GE":
      return cmp >= 0;
    default:
      return true;
  }
}

const provides = (p: RepoPackage, need: RpmDep): boolean =>
  (p.name === need.name && satisfies({ name: p.name, ...evrOf(p) }, need)) ||
  p.provides.some((e) => satisfies(e, need));

const newestFirst = (a: RepoPackage, b: RepoPackage): number => compareEvr(evrOf(b), evrOf(a));

/**
 * @example rpmClosure(parsePrimary(xml), { names: ["docker-ce"], arch: "x86_64" }).packages.map((p) => p.name)
 *   // ["containerd.io", "docker-ce", "docker-ce-cli"]
 */
export function rpmClosure(repo: readonly RepoPackage[], req: ClosureRequest): Closure {
  const usable = repo.filter((p) => p.arch === req.arch || p.arch === "noarch");
  const chosen = new Map<string, RepoPackage>();
  const pinned = req.pinned ?? req.names;
  for (const name of req.names) {
    const pin = req.pin && pinned.includes(name) ? req.pin : undefined;
    const matches = usable
      .filter((p) => p.name === name)
      .filter(
        (p) =>
          !pin ||
          (rpmvercmp(p.version, pin.version) === 0 &&
            (pin.release === undefined || rpmvercmp(p.release, pin.release) === 0)),
      )
      .sort(newestFirst);
    const best = matches[0];
    if (!best) {
      const what = pin ? `${name} ${pin.version}${pin.release ? `-${pin.release}` : ""}` : name;
      throw new ClosureError(`the repository has no ${what} for ${req.arch}`);
    }
    chosen.set(best.name, best);
  }
  return closeOver([...chosen.values()], (p) =>
    p.requires
      .filter((need) => !need.name.startsWith("rpmlib("))
      .map((need) => ({
        label: need.name,
        hard: true,
        met: (c: RepoPackage) => provides(c, need),
        candidates: () => usable.filter((c) => provides(c, need)).sort(newestFirst),
      })),
  );
}
