/**
 * Secrets kept in clear at rest: a variable the schema marks secret (`x-ops-secret`), or a
 * connection password, whose value did not come out of a vault. `ops inventory check` warns about
 * each (an error with `--strict-secrets`), naming where it is set. Pure.
 */
import { ConfigError, type Location } from "../errors.js";
import type { SchemaNode } from "../schema/describe.js";
import { secretValues } from "../vars/secrets.js";
import type { Target } from "../run/targets.js";

const HINT =
  "encrypt it: `ops vault encrypt-string --name NAME` (value on stdin), or `ops vault encrypt FILE`";

/**
 * One problem per place a clear-text secret is set (a group's variable is reported once, not per host).
 *
 * @example clearTextSecrets(targets, schema, new Set(prepared.vaulted))[0].message
 * // "registry_users holds a secret in clear text"
 */
export function clearTextSecrets(
  targets: readonly Target[],
  schema: SchemaNode,
  vaulted: ReadonlySet<string>,
): ConfigError[] {
  const found = new Map<string, ConfigError>();
  const report = (name: string, where: Location | undefined) => {
    if (!where?.file) return; // a default, not something written in a file
    const key = `${where.file}|${where.path ?? name}`;
    if (!found.has(key)) found.set(key, new ConfigError(`${name} holds a secret in clear text`, where, HINT));
  };
  for (const target of targets) {
    // The inventory's own variables (all of them, not only the checked playbook's), where they are set.
    const { vars, varSources } = target.host;
    for (const [name, value] of Object.entries(vars)) {
      const clear = secretValues(schema, { [name]: value }).filter((s) => !vaulted.has(s));
      if (clear.length > 0) report(name, Object.hasOwn(varSources, name) ? varSources[name] : undefined);
    }
    const { password, becomePassword } = target.host.connection;
    for (const [name, where] of Object.entries(target.host.connectionSecretSources ?? {})) {
      const value = /become/.test(name) ? becomePassword : password;
      if (typeof value === "string" && value !== "" && !vaulted.has(value)) report(name, where);
    }
  }
  return [...found.values()].sort(
    (a, b) =>
      (a.location.file ?? "").localeCompare(b.location.file ?? "") ||
      (a.location.line ?? 0) - (b.location.line ?? 0),
  );
}
