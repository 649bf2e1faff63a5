/**
 * A systemd service enabled and started. A playbook may give a command that proves the service
 * answers and a config file to roll back when it does not (the Docker engine's are `docker info`
 * and daemon.json: src/engine/service.ts): the start then proves the pending config too (see
 * rollback.ts).
 */
import { systemdUnit } from "../facts/systemd-unit.js";
import { quote } from "../transport/quote.js";
import { rollbackFunctions } from "./rollback.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";

export interface ServiceOptions {
  /** The unit, e.g. "nginx". */
  readonly name: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default true. */
  readonly started?: boolean;
  /** Trusted shell from the playbook that succeeds once the service answers, e.g. `curl -fs localhost`. Default: none. */
  readonly verify?: string;
  /**
   * A config file written with a pending marker (rollback.ts, `markPendingLines`): restored to its
   * previous version when the service does not start or answer. Default: none.
   */
  readonly config?: string | null;
  /** @deprecated The former name of `config`, still read. */
  readonly daemonJson?: string | null;
}

function startStep(o: ServiceOptions, enable: boolean): Step {
  const { verify } = o;
  const config = o.config ?? o.daemonJson ?? null;
  const cmd = enable ? 'systemctl enable --now "$unit"' : 'systemctl start "$unit"';
  const lines =
    config === null && verify === undefined
      ? ["set -e", `unit=${quote(o.name)}`, cmd]
      : [
          ...rollbackFunctions({ unit: o.name, config, verify: verify ?? "true" }),
          `if ! ${cmd}; then roll_back "$unit did not start"; fi`,
          ...(verify !== undefined
            ? ['if ! answers; then roll_back "$unit started but does not answer"; fi']
            : []),
          "proven",
        ];
  return { description: `${enable ? "enable and start" : "start"} ${o.name}`, script: lines.join("\n") };
}

/**
 * @example service({ name: "nginx", enabled: true, started: true, verify: "nginx -t", config: "/etc/nginx/nginx.conf" })
 */
export function service(o: ServiceOptions): Resource {
  const fact = systemdUnit(o.name);
  const enabled = o.enabled ?? true;
  const started = o.started ?? true;
  return {
    id: `service:${o.name}`,
    facts: [fact],
    plan(facts) {
      const u = facts.get(fact);
      // A unit not found yet may come with a package installed earlier in this same run.
      if (u.loadState === "" && u.systemd === false) {
        return fail(`systemd is not running on this host; cannot manage ${o.name}`);
      }
      const steps: Step[] = [];
      const q = quote(o.name);
      if (started && !u.active) steps.push(startStep(o, enabled && !u.enabled));
      else if (!started && u.active)
        steps.push({ description: `stop ${o.name}`, script: `systemctl stop ${q}` });
      const enableLeft = enabled && !u.enabled && !(started && !u.active);
      if (enableLeft) steps.push({ description: `enable ${o.name}`, script: `systemctl enable ${q}` });
      if (!enabled && u.enabled)
        steps.push({ description: `disable ${o.name}`, script: `systemctl disable ${q}` });
      if (steps.length > 0) return change(...steps);
      const state = [started ? "active" : "stopped", enabled ? "enabled" : "disabled"].join(" and ");
      return noop(`${o.name} is ${state}`);
    },
  };
}
