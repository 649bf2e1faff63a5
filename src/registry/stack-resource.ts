/**
 * The registry's compose project on its host: checked before anything changes (Docker, the compose
 * v2 plugin, ports free), brought up with `docker compose up -d --wait` when a service is missing,
 * unhealthy or carries another config hash (compose then recreates only that service), or taken
 * down for `registry_state: absent`, keeping the data unless --yes.
 */
import { listeningPorts } from "../facts/listening-ports.js";
import { file as fileFact } from "../facts/file.js";
import type { FactSet } from "../facts/fact.js";
import {
  change,
  fail,
  noop,
  type Handler,
  type Outcome,
  type Resource,
  type Step,
} from "../resources/resource.js";
import { quote } from "../transport/quote.js";
import { composeState, type ComposeContainer, type ComposeState } from "./compose-fact.js";
import { COMPOSE_PROJECT, NGINX_RELOAD } from "./stack.js";

const state = composeState(COMPOSE_PROJECT);

/** Docker and compose are there, or why not. */
function missingTools(s: ComposeState): Outcome | null {
  if (s.status === "no-docker") {
    return fail("Docker is not installed on the registry host", "run `ops run install-engine` on it first");
  }
  if (s.status === "no-compose") {
    return fail(
      "the docker compose v2 plugin is not installed on the registry host (`docker compose version` fails)",
      "install the docker-compose-plugin package (install-engine installs it by default)",
    );
  }
  if (s.status === "error") return fail(`docker compose cannot list the registry's containers: ${s.message}`);
  return null;
}

export interface RegistryPreflightOptions {
  /** Host ports the stack publishes. */
  readonly ports: readonly number[];
}

/**
 * Fails the host at plan time, before any step runs, when Docker or compose is missing or a port
 * the stack publishes is taken by something else (ports the stack itself publishes are fine).
 *
 * @example registryPreflight({ ports: [443, 5443] })
 */
export function registryPreflight(o: RegistryPreflightOptions): Resource {
  return {
    id: "registry:preflight",
    facts: [state, listeningPorts],
    plan(facts) {
      const s = facts.get(state);
      const missing = missingTools(s);
      if (missing !== null) return missing;
      const ours = new Set(s.status === "ok" ? s.containers.flatMap((c) => c.ports) : []);
      const taken = o.ports.filter((p) => facts.get(listeningPorts).includes(p) && !ours.has(p));
      if (taken.length > 0) {
        const list = taken.join(", ");
        return fail(
          `port ${list} is in use on this host by another program; nothing was changed`,
          `choose another registry_port / registry_proxy_cache.port, or stop what listens there (ss -ltnp 'sport = :${taken[0]}')`,
        );
      }
      return noop(`docker compose is installed; ports ${o.ports.join(", ")} are free or ours`);
    },
  };
}

export interface StackOptions {
  readonly dir: string;
  /** Service -> the `ops.config-hash` its container must carry. */
  readonly services: Readonly<Record<string, string>>;
}

/** Why a service's container is not what it should be, or null. */
function drift(c: ComposeContainer | undefined, hash: string): string | null {
  if (c === undefined) return "not created";
  if (c.state !== "running") return c.state;
  if (c.configHash !== hash) return "its configuration changed";
  if (c.health !== "" && c.health !== "healthy") return c.health;
  return null;
}

/** Reloads nginx inside its container, after `nginx -t` accepts the new files. */
function nginxReloadScript(dir: string): string {
  const conf = "/etc/ops-registry/nginx.conf";
  return [
    "set -e",
    `cd ${quote(dir)}`,
    // Not running (the first up failed, or it is being recreated): it reads the files when it starts.
    'if [ -z "$(docker compose ps -q --status running nginx)" ]; then echo "nginx is not running; nothing to reload"; exit 0; fi',
    `docker compose exec -T nginx nginx -t -q -c ${conf}`,
    `docker compose exec -T nginx nginx -c ${conf} -s reload`,
  ].join("\n");
}

/** @example registryHandlers("/opt/ops-registry") */
export function registryHandlers(dir: string): Handler[] {
  return [
    {
      name: NGINX_RELOAD,
      step: {
        description: "check nginx's config and reload it (the registry keeps running)",
        script: nginxReloadScript(dir),
      },
    },
  ];
}

/**
 * @example registryStack({ dir: "/opt/ops-registry", services: { registry: "ab12…", nginx: "cd34…" } })
 */
export function registryStack(o: StackOptions): Resource {
  return {
    id: `compose:${COMPOSE_PROJECT}`,
    facts: [state],
    plan(facts) {
      const s = facts.get(state);
      const missing = missingTools(s);
      if (missing !== null) return missing;
      const containers = s.status === "ok" ? s.containers : [];
      const wrong = Object.entries(o.services)
        .map(
          ([service, hash]) =>
            [
              service,
              drift(
                containers.find((c) => c.service === service),
                hash,
              ),
            ] as const,
        )
        .filter((x): x is readonly [string, string] => x[1] !== null);
      const orphans = containers.filter((c) => !(c.service in o.services)).map((c) => c.service);
      if (wrong.length === 0 && orphans.length === 0) {
        return noop(
          `${Object.keys(o.services).join(", ")} running and healthy with their current configuration`,
        );
      }
      const why = [
        ...wrong.map(([svc, w]) => `${svc}: ${w}`),
        ...orphans.map((svc) => `${svc}: no longer wanted`),
      ];
      const step: Step = {
        description: `docker compose up (${why.join("; ")})`,
        script: [
          "set -e",
          `cd ${quote(o.dir)}`,
          "docker compose up -d --remove-orphans --wait --wait-timeout 180",
          // nginx resolved the registry's address when it loaded; a recreated registry may have another.
          "docker compose exec -T nginx nginx -c /etc/ops-registry/nginx.conf -s reload",
        ].join("\n"),
      };
      return change(step);
    },
  };
}

/** The step that disables and removes unit files that exist, or null when none does. */
function removeUnits(units: readonly string[], facts: FactSet): Step | null {
  const present = units.filter((u) => facts.get(fileFact(u)).exists);
  if (present.length === 0) return null;
  const names = present.map((u) => quote(u.slice(u.lastIndexOf("/") + 1))).join(" ");
  return {
    description: `remove ${present.join(", ")}`,
    script: `systemctl disable --now ${names} || true\nrm -f -- ${present.map(quote).join(" ")}\nsystemctl daemon-reload`,
  };
}

/**
 * Unit files that must not be there (the GC timer once its schedule is emptied).
 *
 * @example unitsAbsent(["/etc/systemd/system/ops-registry-gc.timer"])
 */
export function unitsAbsent(units: readonly string[]): Resource {
  return {
    id: `units-absent:${units.join(",")}`,
    facts: units.map((u) => fileFact(u)),
    plan(facts) {
      const step = removeUnits(units, facts);
      return step === null
        ? noop(`no ${units.map((u) => u.slice(u.lastIndexOf("/") + 1)).join(", ")}`)
        : change(step);
    },
  };
}

export interface AbsentOptions {
  readonly dir: string;
  readonly dataDir: string;
  /** --yes: the data goes too. */
  readonly removeData: boolean;
  /** Unit files to remove with the stack (the GC timer). */
  readonly units: readonly string[];
}

/**
 * `registry_state: absent`: the containers and network go, the project folder goes, the data stays
 * unless --yes.
 *
 * @example registryAbsent({ dir: "/opt/ops-registry", dataDir: "/var/lib/ops-registry", removeData: false, units: [] })
 */
export function registryAbsent(o: AbsentOptions): Resource {
  const dirFact = fileFact(o.dir);
  const dataFact = fileFact(o.dataDir);
  return {
    id: `compose:${COMPOSE_PROJECT}:absent`,
    facts: [state, dirFact, dataFact, ...o.units.map((u) => fileFact(u))],
    plan(facts: FactSet) {
      const s = facts.get(state);
      const containers = s.status === "ok" ? s.containers.length : 0;
      const steps: Step[] = [];
      const units = removeUnits(o.units, facts);
      if (units !== null) steps.push(units);
      if (containers > 0) {
        steps.push({
          description: `docker compose down (${containers} containers of ${COMPOSE_PROJECT})`,
          script: `docker compose -p ${quote(COMPOSE_PROJECT)} down --remove-orphans`,
        });
      }
      if (facts.get(dirFact).exists)
        steps.push({ description: `remove ${o.dir}`, script: `rm -rf -- ${quote(o.dir)}` });
      const data = facts.get(dataFact).exists;
      if (data && o.removeData) {
        steps.push({
          description: `remove the registry's data ${o.dataDir} (--yes)`,
          script: `rm -rf -- ${quote(o.dataDir)}`,
        });
      }
      if (steps.length > 0) return change(...steps);
      return noop(
        data
          ? `the registry is removed; its data stays in ${o.dataDir} (--yes removes it)`
          : "the registry is removed",
      );
    },
  };
}
