/**
 * A compose project on its host, for any playbook: checked before anything changes (Docker, the
 * compose v2 plugin, the ports it publishes free), and brought up with `docker compose up -d --wait`
 * when a service is missing, not running, unhealthy or carries another config hash (compose then
 * recreates only that service). `--wait` is the health wait: the step ends when every service is
 * running and, where it has a health check, healthy, or fails after the timeout.
 *
 * The compose file is the playbook's (a file or template resource listed before this one); each
 * service carries the `ops.config-hash` label with the hash of what it reads (`configHash`).
 */
import { composeState, type ComposeContainer, type ComposeState } from "../facts/compose-state.js";
import { listeningPorts } from "../facts/listening-ports.js";
import { quote } from "../transport/quote.js";
import { sha256 } from "./diff.js";
import { change, fail, noop, type Outcome, type Resource, type Step } from "./resource.js";

/** Names the project in messages: "the registry" reads "Docker is not installed on the registry host". */
export interface ComposeNaming {
  /** The compose project name (`docker compose -p`), the compose file's `name:`. */
  readonly project: string;
  /** What the project is, for messages ("the registry"). Default: `the <project> project`. */
  readonly what?: string;
}

const whatOf = (o: ComposeNaming): string => o.what ?? `the ${o.project} project`;

/**
 * The `ops.config-hash` value of a service: short, stable, and different whenever any part is.
 *
 * @example configHash("nginx:1.22.1", "/opt/app", confText) // "3f1c…" (16 hex digits)
 */
export function configHash(...parts: readonly (string | number | boolean)[]): string {
  return sha256(JSON.stringify(parts)).slice(0, 16);
}

/** Docker and compose are there, or why not. */
export function composeMissing(s: ComposeState, o: ComposeNaming): Outcome | null {
  const what = whatOf(o);
  if (s.status === "no-docker") {
    return fail(`Docker is not installed on ${what} host`, "run `ops run install-engine` on it first");
  }
  if (s.status === "no-compose") {
    return fail(
      `the docker compose v2 plugin is not installed on ${what} host (\`docker compose version\` fails)`,
      "install the docker-compose-plugin package (install-engine installs it by default)",
    );
  }
  if (s.status === "error") return fail(`docker compose cannot list ${what}'s containers: ${s.message}`);
  return null;
}

export interface ComposePreflightOptions extends ComposeNaming {
  /** Host ports the project publishes. */
  readonly ports: readonly number[];
  /** The variables that choose those ports, for the hint ("registry_port"). */
  readonly portVariables?: string;
}

/**
 * Fails the host at plan time, before any step runs, when Docker or compose is missing or a port
 * the project publishes is taken by something else (ports its own containers publish are fine).
 *
 * @example composePreflight({ project: "wiki", ports: [8080], portVariables: "wiki_port" })
 */
export function composePreflight(o: ComposePreflightOptions): Resource {
  const state = composeState(o.project);
  return {
    id: `compose:${o.project}:preflight`,
    facts: [state, listeningPorts],
    plan(facts) {
      const s = facts.get(state);
      const missing = composeMissing(s, o);
      if (missing !== null) return missing;
      const ours = new Set(s.status === "ok" ? s.containers.flatMap((c) => c.ports) : []);
      const taken = o.ports.filter((p) => facts.get(listeningPorts).includes(p) && !ours.has(p));
      if (taken.length > 0) {
        return fail(
          `port ${taken.join(", ")} is in use on this host by another program; nothing was changed`,
          `choose another ${o.portVariables ?? "port"}, or stop what listens there (ss -ltnp 'sport = :${taken[0]}')`,
        );
      }
      return noop(`docker compose is installed; ports ${o.ports.join(", ")} are free or ours`);
    },
  };
}

export interface ComposeProjectOptions extends ComposeNaming {
  /** The folder holding compose.yaml. */
  readonly dir: string;
  /** Service -> the `ops.config-hash` its container must carry. Services not listed are orphans. */
  readonly services: Readonly<Record<string, string>>;
  /** Trusted shell from the playbook, run once the services are up and healthy. */
  readonly afterUp?: readonly string[];
  /** How long `up --wait` waits for the services to be healthy. Default 180. */
  readonly waitSeconds?: number;
}

/**
 * Why a service's container is not what it should be, or null. Without `hash`, only whether it
 * runs and is healthy.
 */
export function composeDrift(c: ComposeContainer | undefined, hash?: string): string | null {
  if (c === undefined) return "not created";
  if (c.state !== "running") return c.state;
  if (hash !== undefined && c.configHash !== hash) return "its configuration changed";
  if (c.health !== "" && c.health !== "healthy") return c.health;
  return null;
}

/**
 * @example composeProject({ project: "wiki", dir: "/opt/wiki", services: { app: configHash(image, conf) } })
 */
export function composeProject(o: ComposeProjectOptions): Resource {
  const state = composeState(o.project);
  const wait = Math.max(1, Math.floor(o.waitSeconds ?? 180));
  return {
    id: `compose:${o.project}`,
    facts: [state],
    plan(facts) {
      const s = facts.get(state);
      const missing = composeMissing(s, o);
      if (missing !== null) return missing;
      const containers = s.status === "ok" ? s.containers : [];
      const wrong = Object.entries(o.services).flatMap(([service, hash]) => {
        const why = composeDrift(
          containers.find((c) => c.service === service),
          hash,
        );
        return why === null ? [] : [`${service}: ${why}`];
      });
      const orphans = containers.filter((c) => !(c.service in o.services)).map((c) => c.service);
      if (wrong.length === 0 && orphans.length === 0) {
        return noop(
          `${Object.keys(o.services).join(", ")} running and healthy with their current configuration`,
        );
      }
      const why = [...wrong, ...orphans.map((svc) => `${svc}: no longer wanted`)];
      const step: Step = {
        description: `docker compose up (${why.join("; ")})`,
        script: [
          "set -e",
          `cd ${quote(o.dir)}`,
          `docker compose -p ${quote(o.project)} up -d --remove-orphans --wait --wait-timeout ${wait}`,
          ...(o.afterUp ?? []),
        ].join("\n"),
      };
      return change(step);
    },
  };
}
