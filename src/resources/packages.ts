/**
 * Packages present (and pinned) through the host's package family (rpm with dnf or yum, deb with
 * apt); conflicting packages removed first. Like pyinfra's ensure_packages: one install command for
 * everything missing; the family supplies the facts, the version rules and the commands.
 *
 * A name is a capability: present when a package of that name is installed, or another package
 * that provides it (a vendor docker-ce that also provides docker-ce-cli). Conflicts count only as
 * packages of that very name: containerd.io provides runc, and is not a conflicting runc.
 */
import { familyNamed } from "../packages/index.js";
import type { InstalledPackage, InstalledPackages, RepositorySpec } from "../packages/family.js";
import type { OnHost } from "../packages/host-facts.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";

export interface PackagesOptions {
  /** The host the resource is listed for: its package family and manager are used. */
  readonly on: OnHost;
  readonly names: readonly string[];
  /** In the family's terms: rpm "24.0.7", "24.0.7-1.el9" or "3:24.0.7-1.el9" (epoch ignored); applies to the `pinned` names. */
  readonly version?: string;
  /**
   * The names `version` pins, e.g. ["docker-ce", "docker-ce-cli"] (an engine and its CLI move together).
   * Default: every name. A name satisfied only through another package's Provides is not pinned
   * itself: its provider is what moves.
   */
  readonly pinned?: readonly string[];
  /** Installed ones are removed (`dnf -y remove`, `apt-get remove`) before installing. */
  readonly conflicts?: readonly string[];
  /**
   * Whether removing installed conflicts is confirmed (the CLI's --yes). Default true; when false,
   * a host with a conflict installed fails with a message saying what would be removed.
   */
  readonly confirmRemoval?: boolean;
  /** The hint of that failure (the playbook's own variable that keeps conflicts). */
  readonly conflictsHint?: string;
  /** Handlers to notify when an installed package changes version (e.g. "docker-restart"). */
  readonly notify?: readonly string[];
  /**
   * Install and downgrade from this repository alone (the one the `repository` resource declares),
   * ignoring every other the host configures: on an air-gapped host installing from a bundle, the
   * others point at URLs it cannot reach and would fail dnf.
   */
  readonly onlyFrom?: RepositorySpec;
}

const isOwn = (p: InstalledPackage | null | undefined): p is InstalledPackage =>
  !!p && p.providedBy === undefined;

/** "a, b are installed (a 24.0.7)", plus which names another package provides. */
function installedReason(
  names: readonly string[],
  shown: string | undefined,
  have: InstalledPackages,
): string {
  const p = shown !== undefined ? have[shown] : null;
  const byProvider = new Map<string, string[]>();
  for (const n of names) {
    const by = have[n]?.providedBy;
    if (by !== undefined) byProvider.set(by, [...(byProvider.get(by) ?? []), n]);
  }
  const provided = [...byProvider].map(([by, ns]) => `${ns.join(", ")} provided by ${by}`);
  const details = [...(p ? [`${shown} ${p.version}`] : []), ...provided];
  return `${names.join(", ")} ${names.length === 1 ? "is" : "are"} installed${details.length > 0 ? ` (${details.join("; ")})` : ""}`;
}

/**
 * @example packages({ on: host, names: ["docker-ce", "docker-ce-cli", "containerd.io"], version: "24.0.7", conflicts: ["podman"] })
 */
export function packages(o: PackagesOptions): Resource {
  const id = `packages:${o.names.join(",")}`;
  const system = o.on.facts.packages;
  const family = system ? familyNamed(system.family) : undefined;
  if (!system || !family) {
    const why = system
      ? `the ${system.family} package family is not one ops knows`
      : "this host has no package manager ops knows";
    return { id, facts: [], plan: () => fail(`${why}; ${o.names.join(", ")} cannot be installed`) };
  }
  const mgr = system.manager;
  const conflicts = (o.conflicts ?? []).filter((c) => !o.names.includes(c));
  const installed = family.installed([...o.names, ...conflicts]);
  const pinned = o.pinned ?? o.names;
  return {
    id,
    facts: [installed],
    ...(o.notify ? { notifies: o.notify } : {}),
    plan(facts) {
      const pin = o.version;
      const bad = pin !== undefined ? family.pinError(pin) : undefined;
      if (bad !== undefined) return fail(`version pin: ${bad}`);
      const have = facts.get(installed);
      const spec = (n: string): string =>
        pin !== undefined && pinned.includes(n) ? family.pinSpec(n, pin) : n;
      const toRemove = conflicts.filter((c) => isOwn(have[c]));
      const missing = o.names.filter((n) => !have[n]);
      const upgrade: string[] = [];
      const downgrade: string[] = [];
      for (const n of o.names) {
        const p = have[n];
        if (pin === undefined || !isOwn(p) || !pinned.includes(n)) continue;
        const cmp = family.comparePin(p, pin);
        if (cmp < 0) upgrade.push(n);
        if (cmp > 0) downgrade.push(n);
      }
      if (toRemove.length + missing.length + upgrade.length + downgrade.length === 0) {
        const shown = o.names.find((n) => pinned.includes(n) && isOwn(have[n])) ?? o.names[0];
        return noop(installedReason(o.names, shown, have));
      }
      if (toRemove.length > 0 && o.confirmRemoval === false) {
        return fail(
          `${toRemove.join(", ")} ${toRemove.length === 1 ? "is" : "are"} installed and conflict with ${o.names[0] ?? "the packages"}; removing ${toRemove.length === 1 ? "it" : "them"} needs confirmation`,
          o.conflictsHint ?? "run again with --yes to remove them",
        );
      }
      const steps: Step[] = [];
      if (toRemove.length > 0) {
        steps.push({
          description: `remove conflicting ${toRemove.join(", ")}`,
          script: family.removeScript(mgr, toRemove),
        });
      }
      if (missing.length + upgrade.length > 0) {
        const names = [...missing, ...upgrade];
        steps.push({
          description: `install ${names.map(spec).join(", ")}`,
          script: family.installScript(mgr, names.map(spec), o.onlyFrom),
          ...(upgrade.length > 0 && o.notify ? { notify: o.notify } : {}),
        });
      }
      if (downgrade.length > 0 && pin !== undefined) {
        const from = downgrade
          .map((n) => `${n} ${family.versionText(have[n] as InstalledPackage)}`)
          .join(", ");
        steps.push({
          description: `downgrade ${from} to ${family.pinText(pin)}`,
          script: family.downgradeScript(mgr, downgrade.map(spec), o.onlyFrom),
          ...(o.notify ? { notify: o.notify } : {}),
        });
      }
      return change(...steps);
    },
  };
}
