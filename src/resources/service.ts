/**
 * A systemd service enabled and started. A playbook may give a command that proves the service
 * answers and a config file to roll back when it does not (install-engine gives `docker info` and
 * daemon.json): the start then proves the pending config too (see docker-rollback.ts).
 */
import { systemdUnit } from "../facts/systemd-unit.js";
import { quote } from "../transport/quote.js";
import { rollbackFunctions } from "./docker-rollback.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";

export interface ServiceOptions {
  /** The unit, e.g. "docker". */
  readonly name: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default true. */
  readonly started?: boolean;
  /** Trusted shell from the playbook that succeeds once the service answers, e.g. `docker info`. Default: none. */
  readonly verify?: string;
  /**
   * A config file applied with a pending marker (daemon-json's): restored to its previous version when
   * the service does not start or answer. Default: none.
   */
  readonly daemonJson?: string | null;
}

function startStep(o: ServiceOptions, enable: boolean): Step {
  const { verify, daemonJson = null } = o;
  const cmd = enable ? 'systemctl enable --now "$unit"' : 'systemctl start "$unit"';
  const lines =
    daemonJson === null && verify === undefined
      ? ["set -e", `unit=${quote(o.name)}`, cmd]
      : [
          ...rollbackFunctions({ unit: o.name, daemonJson, verify: verify ?? "true" }),
          `if ! ${cmd}; then roll_back "$unit did not start"; fi`,
          ...(verify !== undefined
            ? ['if ! answers; then roll_back "$unit started but does not answer"; fi']
            : []),
          "proven",
        ];
  return { description: `${enable ? "enable and start" : "start"} ${o.name}`, script: lines.join("\n") };
}

/**
 * @example service({ name: "docker", enabled: true, started: true, verify: "docker info", daemonJson: DAEMON_JSON })
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
