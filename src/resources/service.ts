/**
 * A systemd service enabled and started. Starting docker proves the pending daemon.json too: when
 * the engine does not come up, the previous file is restored (see docker-rollback.ts).
 */
import { systemdUnit } from "../facts/systemd-unit.js";
import { quote } from "../transport/quote.js";
import { DAEMON_JSON, rollbackFunctions } from "./docker-rollback.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";

export interface ServiceOptions {
  /** The unit, e.g. "docker". */
  readonly name: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default true. */
  readonly started?: boolean;
  /** Trusted shell that succeeds once the service answers; default `docker info` for docker, none otherwise. */
  readonly verify?: string;
  /** The daemon.json rolled back when it does not start; default /etc/docker/daemon.json for docker, else null. */
  readonly daemonJson?: string | null;
}

const isDocker = (name: string): boolean => name === "docker" || name === "docker.service";

function startStep(o: ServiceOptions, enable: boolean): Step {
  const verify = o.verify ?? (isDocker(o.name) ? "docker info" : undefined);
  const daemonJson = o.daemonJson ?? (isDocker(o.name) ? DAEMON_JSON : null);
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
 * @example service({ name: "docker", enabled: true, started: true })
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
