/**
 * The running containers and the settings the CIS benchmark's section 5 judges: privileged, the
 * host's network namespace, mounts (the Docker socket), memory limit, restart policy, health.
 * One `docker ps` and one `docker inspect` of every running container, one JSON object per line.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { bounded } from "../../facts/docker-info.js";
import { lines } from "../../facts/text.js";
import { quote } from "../../transport/quote.js";

export interface ContainerInfo {
  /** Without the leading slash docker prints. */
  readonly name: string;
  readonly image: string;
  readonly state: string;
  /** "healthy", "unhealthy", "starting", or null without a health check. */
  readonly health: string | null;
  readonly privileged: boolean;
  /** "default", "bridge", "host", "none", "container:<id>", a network name. */
  readonly network: string;
  /** Bytes; 0 means no limit. */
  readonly memory: number;
  /** "no", "always", "unless-stopped", "on-failure" ("" is the same as "no"). */
  readonly restart: string;
  /** Host paths of bind mounts, volume paths for volumes. */
  readonly mounts: readonly string[];
}

export type Containers =
  | { readonly status: "absent" }
  | { readonly status: "error"; readonly message: string }
  | { readonly status: "listed"; readonly containers: readonly ContainerInfo[] };

const NAME = "containers";

const TEMPLATE =
  '{"name":{{json .Name}},"image":{{json .Config.Image}},"state":{{json .State.Status}},' +
  '"health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},' +
  '"privileged":{{json .HostConfig.Privileged}},"network":{{json .HostConfig.NetworkMode}},' +
  '"memory":{{json .HostConfig.Memory}},"restart":{{json .HostConfig.RestartPolicy.Name}},' +
  '"mounts":[{{range $i, $m := .Mounts}}{{if $i}},{{end}}{{json $m.Source}}{{end}}]}';

type Json = Record<string, unknown>;

function container(line: string): ContainerInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new FactError(NAME, `docker inspect printed a line that is not JSON: "${line.slice(0, 80)}"`);
  }
  const j = (typeof raw === "object" && raw !== null ? raw : {}) as Json;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    name: text(j.name).replace(/^\//, ""),
    image: text(j.image),
    state: text(j.state),
    health: typeof j.health === "string" ? j.health : null,
    privileged: j.privileged === true,
    network: text(j.network),
    memory: typeof j.memory === "number" ? j.memory : 0,
    restart: text(j.restart),
    mounts: Array.isArray(j.mounts) ? j.mounts.filter((m): m is string => typeof m === "string") : [],
  };
}

export function parseContainers(stdout: string): Containers {
  const rows = lines(stdout);
  const head = rows[0] ?? "";
  if (head === "absent") return { status: "absent" };
  if (head.startsWith("error"))
    return { status: "error", message: head.slice(6).trim() || "docker ps failed" };
  if (head !== "listed") throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  return {
    status: "listed",
    containers: rows
      .slice(1)
      .filter((l) => l.trim() !== "")
      .map(container),
  };
}

/** @example facts.get(containers) // { status: "listed", containers: [{ name: "web", privileged: false, … }] } */
export const containers: Fact<Containers> = {
  name: NAME,
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo absent; exit 0; fi",
    `if ! ids=$(${bounded("docker ps -q --no-trunc")} 2>&1); then`,
    '  printf "error %s\\n" "$(printf "%s" "$ids" | tail -n 1 | cut -c1-300)"; exit 0',
    "fi",
    "echo listed",
    // Container ids are hex: word splitting them is safe and wanted.
    `if [ -n "$ids" ]; then ${bounded(`docker inspect --format ${quote(TEMPLATE)} $ids`)}; fi`,
  ].join("\n"),
  parse: parseContainers,
};
