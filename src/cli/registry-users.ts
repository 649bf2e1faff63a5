/** `ops registry users`: who has which role where, from the inventory (no request is sent). */
import { table } from "../registry/audit.js";
import { registryContext, type RegistryCliOptions } from "./registry-context.js";
import { printable, printableJson } from "../report/printable.js";

/** @example await registryUsers({ inventory: "hosts.yaml", extraVars: [], output: "json" }, write) */
export async function registryUsers(opts: RegistryCliOptions, write: (t: string) => void): Promise<number> {
  const { model, name } = await registryContext(opts);
  const rows = model.accounts.map((a) => ({
    account: a.name,
    kind: a.admin ? "system admin" : a.robot ? "robot" : "user",
    projects: Object.fromEntries(
      model.projects.flatMap((p) => {
        const role = a.admin ? "admin" : p.members.get(a.name);
        return role === undefined ? [] : [[p.name, role]];
      }),
    ),
  }));
  const projects = model.projects.map((p) => ({ project: p.name, public: p.public, retention: p.retention }));
  if (opts.output === "json") {
    write(`${printableJson({ registry: name, accounts: rows, projects }, 2)}\n`);
    return 0;
  }
  const roles = (r: (typeof rows)[number]) =>
    Object.entries(r.projects)
      .map(([p, role]) => `${p}:${role}`)
      .join(", ") || "-";
  write(`${printable(name)}\n`);
  write(table([["ACCOUNT", "KIND", "PROJECT:ROLE"], ...rows.map((r) => [r.account, r.kind, roles(r)])]));
  const open = projects.filter((p) => p.public).map((p) => p.project);
  write(`public projects (anyone pulls): ${printable(open.join(", ") || "none")}\n`);
  return 0;
}
