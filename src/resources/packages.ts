/**
 * rpm packages present (and pinned) through dnf, or yum where dnf is absent; conflicting packages
 * removed first. Like pyinfra's yum.packages: one install command for everything missing.
 */
import { packageManager } from "../facts/package-manager.js";
import { rpmPackages, type RpmPackage } from "../facts/rpm-packages.js";
import { sh } from "../transport/quote.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";
import { comparePin, parseEvr, pinSpec, type Evr } from "./rpm-version.js";

/** The packages a version pin applies to: the engine and its CLI move together. */
export const PINNED_PACKAGES: readonly string[] = ["docker-ce", "docker-ce-cli"];

export interface PackagesOptions {
  readonly names: readonly string[];
  /** e.g. "24.0.7", "24.0.7-1.el9" or "3:24.0.7-1.el9" (epoch ignored); applies to docker-ce and docker-ce-cli. */
  readonly version?: string;
  /** Installed ones are removed (`dnf -y remove`) before installing. */
  readonly conflicts?: readonly string[];
  /**
   * Whether removing installed conflicts is confirmed (the CLI's --yes). Default true; when false,
   * a host with a conflict installed fails with a message saying what would be removed.
   */
  readonly confirmRemoval?: boolean;
  /** Handlers to notify when an installed package changes version (e.g. "docker-restart"). */
  readonly notify?: readonly string[];
}

const evrText = (p: RpmPackage): string => `${p.epoch ? `${p.epoch}:` : ""}${p.version}-${p.release}`;

/**
 * @example packages({ names: ["docker-ce", "docker-ce-cli", "containerd.io"], version: "24.0.7", conflicts: ["podman"] })
 */
export function packages(o: PackagesOptions): Resource {
  const conflicts = (o.conflicts ?? []).filter((c) => !o.names.includes(c));
  const installed = rpmPackages([...o.names, ...conflicts]);
  return {
    id: `packages:${o.names.join(",")}`,
    facts: [packageManager, installed],
    ...(o.notify ? { notifies: o.notify } : {}),
    plan(facts) {
      let pin: Evr | undefined;
      try {
        pin = o.version !== undefined ? parseEvr(o.version) : undefined;
      } catch (err) {
        return fail(`docker_version: ${err instanceof Error ? err.message : String(err)}`);
      }
      const have = facts.get(installed);
      const mgr = facts.get(packageManager);
      const spec = (n: string): string => (pin && PINNED_PACKAGES.includes(n) ? `${n}-${pinSpec(pin)}` : n);
      const toRemove = conflicts.filter((c) => have[c]);
      const missing = o.names.filter((n) => !have[n]);
      const upgrade: string[] = [];
      const downgrade: string[] = [];
      for (const n of o.names) {
        const p = have[n];
        if (!pin || !p || !PINNED_PACKAGES.includes(n)) continue;
        const cmp = comparePin(p, pin);
        if (cmp < 0) upgrade.push(n);
        if (cmp > 0) downgrade.push(n);
      }
      if (toRemove.length + missing.length + upgrade.length + downgrade.length === 0) {
        const shown = o.names.find((n) => PINNED_PACKAGES.includes(n)) ?? o.names[0];
        const p = shown !== undefined ? have[shown] : null;
        return noop(
          `${o.names.join(", ")} ${o.names.length === 1 ? "is" : "are"} installed${p ? ` (${shown} ${p.version})` : ""}`,
        );
      }
      if (mgr === null) return fail("neither dnf nor yum is installed on this host");
      if (toRemove.length > 0 && o.confirmRemoval === false) {
        return fail(
          `${toRemove.join(", ")} ${toRemove.length === 1 ? "is" : "are"} installed and conflict with ${o.names[0] ?? "the packages"}; removing ${toRemove.length === 1 ? "it" : "them"} needs confirmation`,
          "run again with --yes to remove them, or set docker_remove_conflicts: false to leave them",
        );
      }
      const steps: Step[] = [];
      if (toRemove.length > 0) {
        steps.push({
          description: `remove conflicting ${toRemove.join(", ")}`,
          script: sh([mgr, "-y", "remove", ...toRemove]),
        });
      }
      if (missing.length + upgrade.length > 0) {
        // --allowerasing lets dnf swap packages that obsolete each other (runc vs containerd.io).
        const args = mgr === "dnf" ? ["dnf", "-y", "install", "--allowerasing"] : ["yum", "-y", "install"];
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
          script: sh([mgr, "-y", "downgrade", ...downgrade.map(spec)]),
          ...(o.notify ? { notify: o.notify } : {}),
        });
      }
      return change(...steps);
    },
  };
}
