/**
 * A compose project as the host's engine sees it: whether Docker and the compose v2 plugin are
 * there, and each container of the project with its state, health, `ops.config-hash` label and
 * published ports (`docker compose -p NAME ps -a --format json`, which needs no compose file, so it
 * answers before the first deploy and after a removal).
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";
import { quote } from "../transport/quote.js";

/**
 * The label each service of a project carries: a hash of everything the service reads, so a
 * changed input shows as a container to recreate (see resources/compose.ts, `configHash`).
 */
export const CONFIG_HASH_LABEL = "ops.config-hash";

export interface ComposeContainer {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  /** "running", "exited", "restarting", "created"... */
  readonly state: string;
  /** "healthy", "unhealthy", "starting", or "" without a health check. */
  readonly health: string;
  readonly configHash: string | null;
  /** Host ports the container publishes. */
  readonly ports: readonly number[];
}

export type ComposeState =
  | { readonly status: "no-docker" }
  | { readonly status: "no-compose" }
  | { readonly status: "error"; readonly message: string }
  | { readonly status: "ok"; readonly containers: readonly ComposeContainer[] };

const PS_FAILED = "@@ps-failed@@";

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Compose prints labels as one `k=v,k=v` string. */
function label(labels: string, key: string): string | null {
  for (const pair of labels.split(",")) if (pair.startsWith(`${key}=`)) return pair.slice(key.length + 1);
  return null;
}

function container(row: Json): ComposeContainer {
  const publishers = Array.isArray(row.Publishers) ? (row.Publishers as Json[]) : [];
  const ports = publishers.map((p) => Number(p.PublishedPort)).filter((p) => Number.isInteger(p) && p > 0);
  return {
    id: str(row.ID),
    name: str(row.Name),
    service: str(row.Service),
    state: str(row.State),
    health: str(row.Health),
    configHash: label(str(row.Labels), CONFIG_HASH_LABEL),
    ports: [...new Set(ports)].sort((a, b) => a - b),
  };
}

/** Compose 2.21+ prints one object per line; older v2 releases print one array. */
function rows(text: string): Json[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as Json[];
  return lines(trimmed).map((l) => JSON.parse(l) as Json);
}

/**
 * Pure: the probe's output in, the project's state out.
 *
 * @example parseComposeState("compose-state:ops-registry", "compose absent\n") // { status: "no-compose" }
 */
export function parseComposeState(name: string, stdout: string): ComposeState {
  const [head = "", ...rest] = stdout.split("\n");
  if (head === "docker absent") return { status: "no-docker" };
  if (head === "compose absent") return { status: "no-compose" };
  if (head !== "compose") throw new FactError(name, `unexpected output "${head.slice(0, 80)}"`);
  const body = rest.join("\n");
  if (body.includes(PS_FAILED)) {
    return { status: "error", message: body.replace(PS_FAILED, "").trim().split("\n").slice(-3).join(" ") };
  }
  try {
    return { status: "ok", containers: rows(body).map(container) };
  } catch {
    throw new FactError(name, `docker compose ps printed no JSON: "${body.slice(0, 80)}"`);
  }
}

/**
 * @example facts.get(composeState("ops-registry")) // { status: "ok", version: "2.26.1", containers: [...] }
 */
export function composeState(project: string): Fact<ComposeState> {
  const name = `compose-state:${project}`;
  return {
    name,
    // One compose invocation (a Go binary's start costs ~0.5 s on a busy host): a missing plugin
    // is told apart by docker's own "not a docker command" / "unknown command".
    probe: [
      'if ! command -v docker >/dev/null 2>&1; then echo "docker absent"; exit 0; fi',
      `if out=$(docker compose -p ${quote(project)} ps -a --format json 2>&1); then printf 'compose\\n%s\\n' "$out"; exit 0; fi`,
      'case "$out" in *"is not a docker command"*|*"unknown command"*) echo "compose absent"; exit 0 ;; esac',
      `printf 'compose\\n%s\\n${PS_FAILED}\\n' "$out"`,
    ].join("\n"),
    parse: (stdout) => parseComposeState(name, stdout),
  };
}
