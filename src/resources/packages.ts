/**
 * rpm packages present (and pinned) through dnf, or yum where dnf is absent; conflicting packages
 * removed first. Like pyinfra's yum.packages: one install command for everything missing.
 *
 * A name is present when the rpm database satisfies it: a package of that name, or another package
 * that provides it (a vendor docker-ce that also provides docker-ce-cli). Conflicts count only as
 * packages of that very name: containerd.io provides runc, and is not a conflicting runc.
 */
import { packageManager } from "../facts/package-manager.js";
import { rpmPackages, type RpmPackage, type RpmPackages } from "../facts/rpm-packages.js";
import { sh } from "../transport/quote.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";
import { comparePin, parseEvr, pinSpec, type Evr } from "./rpm-version.js";

export interface PackagesOptions {
  readonly names: readonly string[];
  /** e.g. "24.0.7", "24.0.7-1.el9" or "3:24.0.7-1.el9" (epoch ignored); applies to the `pinned` names. */
  readonly version?: string;
  /**
   * The names `version` pins, e.g. ["docker-ce", "docker-ce-cli"] (an engine and its CLI move together).
   * Default: every name. A name satisfied only through another package's Provides is not pinned
   * itself: its provider is what moves.
   */
  readonly pinned?: readonly string[];
  /** Installed ones are removed (`dnf -y remove`) before installing. */
  readonly conflicts?: readonly string[];
  /**
   * Whether removing installed conflicts is confirmed (the CLI's --yes). Default true; when false,
   * a host with a conflict installed fails with a message saying what would be removed.
   */
  readonly confirmRemoval?: boolean;
  /** Handlers to notify when an installed package changes version (e.g. "docker-restart"). */
  readonly notify?: readonly string[];
  /**
   * Only these repos are read (`--disablerepo='*' --enablerepo=ID`): an offline bundle's repo on a
   * host whose other repos are out of reach. Default: every enabled repo.
   */
  readonly repos?: readonly string[];
}

const evrText = (p: RpmPackage): string => `${p.epoch ? `${p.epoch}:` : ""}${p.version}-${p.release}`;
const isOwn = (p: RpmPackage | null | undefined): p is RpmPackage => !!p && p.providedBy === undefined;

/** "a, b are installed (a 24.0.7)", plus which names another package provides. */
function installedReason(names: readonly string[], shown: string | undefined, have: RpmPackages): string {
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
 * @example packages({ names: ["docker-ce", "docker-ce-cli", "containerd.io"], version: "24.0.7", conflicts: ["podman"] })
 */
export function packages(o: PackagesOptions): Resource {
  const conflicts = (o.conflicts ?? []).filter((c) => !o.names.includes(c));
  const installed = rpmPackages([...o.names, ...conflicts]);
  const pinned = o.pinned ?? o.names;
  return {
    id: `packages:${o.names.join(",")}`,
    facts: [packageManager, installed],
    ...(o.notify ? { notifies: o.notify } : {}),
    plan(facts) {
      let pin: Evr | undefined;
      try {
        pin = o.version !== undefined ? parseEvr(o.version) : undefined;
      } catch (err) {
        return fail(`version pin: ${err instanceof Error ? err.message : String(err)}`);
      }
      const have = facts.get(installed);
      const mgr = facts.get(packageManager);
      const spec = (n: string): string => (pin && pinned.includes(n) ? `${n}-${pinSpec(pin)}` : n);
      const toRemove = conflicts.filter((c) => isOwn(have[c]));
      const missing = o.names.filter((n) => !have[n]);
      const upgrade: string[] = [];
      const downgrade: string[] = [];
      for (const n of o.names) {
        const p = have[n];
        if (!pin || !isOwn(p) || !pinned.includes(n)) continue;
        const cmp = comparePin(p, pin);
        if (cmp < 0) upgrade.push(n);
        if (cmp > 0) downgrade.push(n);
      }
      if (toRemove.length + missing.length + upgrade.length + downgrade.length === 0) {
        const shown = o.names.find((n) => pinned.includes(n) && isOwn(have[n])) ?? o.names[0];
        return noop(installedReason(o.names, shown, have));
      }
      if (mgr === null) return fail("neither dnf nor yum is installed on this host");
      if (toRemove.length > 0 && o.confirmRemoval === false) {
        return fail(
          `${toRemove.join(", ")} ${toRemove.length === 1 ? "is" : "are"} installed and conflict with ${o.names[0] ?? "the packages"}; removing ${toRemove.length === 1 ? "it" : "them"} needs confirmation`,
          "run again with --yes to remove them, or set docker_remove_conflicts: false to leave them",
        );
      }
      const steps: Step[] = [];
      const only = o.repos ? ["--disablerepo=*", ...o.repos.map((r) => `--enablerepo=${r}`)] : [];
      if (toRemove.length > 0) {
        steps.push({
          description: `remove conflicting ${toRemove.join(", ")}`,
          script: sh([mgr, "-y", ...only, "remove", ...toRemove]),
        });
      }
      if (missing.length + upgrade.length > 0) {
        // --allowerasing lets dnf swap packages that obsolete each other (runc vs containerd.io).
        const args =
          mgr === "dnf"
            ? ["dnf", "-y", ...only, "install", "--allowerasing"]
            : ["yum", "-y", ...only, "install"];
        const names = [...missing, ...upgrade];
        steps.push({
          description: `install ${names.map(spec).join(", ")}`,
          script: sh([...args, ...names.map(spec)]),
          ...(upgrade.length > 0 && o.notify ? { notify: o.notify } : {}),
        });
      }
      if (downgrade.length > 0) {
        const from = downgrade.map((n) => `${n} ${evrText(have[n] as RpmPackage)}`).join(", ");
        steps.push({
          description: `downgrade ${from} to ${pin ? pinSpec(pin) : ""}`,
          script: sh([mgr, "-y", ...only, "downgrade", ...downgrade.map(spec)]),
          ...(o.notify ? { notify: o.notify } : {}),
        });
      }
      return change(...steps);
    },
  };
}
