/**
 * Inventory names and groups for probed hosts, found out rather than asked: a host is named by its
 * own hostname when that is a usable, unique inventory name, else by its address; it joins the group
 * of its OS family and major version (`el9`), as the lab and most fleets group them. Pure.
 */
import type { OsRelease } from "../facts/os-release.js";

export interface NameRequest {
  /** `10.0.0.5` or `10.0.0.5:2222`. */
  label: string;
  hostname: string;
  os: OsRelease;
}

export interface Named {
  label: string;
  name: string;
  group: string;
  /** Why this name: for the comment beside the host. */
  nameFrom: "hostname" | "address";
}

const USABLE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `el9`, `debian12`, `ubuntu24`: the family (EL rebuilds are one) and the major version. */
export function groupFor(os: OsRelease): string {
  const base = os.family === "el" ? "el" : os.id.replace(/[^a-z0-9]/g, "") || "other";
  return `${base}${os.major}`;
}

/**
 * Names hosts; `taken` holds the names (and group names) already in the inventory.
 *
 * @example nameHosts([{ label: "10.0.0.5", hostname: "web1", os }], new Set())
 *   // [{ label: "10.0.0.5", name: "web1", group: "el9", nameFrom: "hostname" }]
 */
export function nameHosts(requests: readonly NameRequest[], taken: ReadonlySet<string>): Named[] {
  const groups = new Set(requests.map((r) => groupFor(r.os)));
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.hostname, (counts.get(r.hostname) ?? 0) + 1);
  const used = new Set(taken);
  return requests.map((r) => {
    const group = groupFor(r.os);
    const byHostname =
      USABLE.test(r.hostname) &&
      counts.get(r.hostname) === 1 &&
      !used.has(r.hostname) &&
      !groups.has(r.hostname) &&
      // "localhost" in an inventory means this machine to Ansible.
      r.hostname !== "localhost";
    const name = byHostname ? r.hostname : r.label;
    used.add(name);
    return { label: r.label, name, group, nameFrom: byHostname ? "hostname" : "address" };
  });
}
