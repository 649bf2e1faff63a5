/**
 * The running containers and what section 5 of the CIS benchmark judges about each: one `docker ps`
 * and one `docker inspect` of every running container, one JSON object per line, then each bind
 * mount's source as the host resolves it (symlinks followed), so a mount of `/var/run` or of a link
 * to the Docker socket is seen for what it reaches.
 *
 * The probe fails (exits non-zero, with docker's own message) when `docker ps` or `docker inspect`
 * fails or times out: "could not list" is never "no containers". It prints `containers N` only after
 * inspect succeeded, and the parser wants exactly N objects, so cut-off output is an error too.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { quote } from "../../transport/quote.js";

export interface ContainerMount {
  /** "bind", "volume", "tmpfs"... */
  readonly type: string;
  /** The host path (a volume's directory for volumes). */
  readonly source: string;
  readonly destination: string;
  readonly rw: boolean;
  /** "rprivate", "shared", "rshared"... ("" for volumes). */
  readonly propagation: string;
}

export interface ContainerInfo {
  readonly id: string;
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
  readonly restartRetries: number;
  readonly mounts: readonly ContainerMount[];
}

export interface Containers {
  readonly containers: readonly ContainerInfo[];
  /** Bind-mount source -> what it resolves to on the host (`readlink -f`); absent when it resolves to nothing. */
  readonly resolved: Readonly<Record<string, string>>;
}

const NAME = "containers";

const TEMPLATE =
  '{"id":{{json .Id}},"name":{{json .Name}},"image":{{json .Config.Image}},"state":{{json .State.Status}},' +
  '"health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},' +
  '"privileged":{{json .HostConfig.Privileged}},"network":{{json .HostConfig.NetworkMode}},' +
  '"memory":{{json .HostConfig.Memory}},"restart":{{json .HostConfig.RestartPolicy.Name}},' +
  '"restartRetries":{{json .HostConfig.RestartPolicy.MaximumRetryCount}},' +
  '"mounts":[{{range $i, $m := .Mounts}}{{if $i}},{{end}}{"type":{{json $m.Type}},"source":{{json $m.Source}},' +
  '"destination":{{json $m.Destination}},"rw":{{json $m.RW}},"propagation":{{json $m.Propagation}}}{{end}}]}' +
  '{{range .Mounts}}{{if eq .Type "bind"}}{{printf "\\nsource %s" .Source}}{{end}}{{end}}';

type Json = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" ? v : "");
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function mount(raw: unknown): ContainerMount {
  const m = isObject(raw) ? raw : {};
  return {
    type: text(m.type),
    source: text(m.source),
    destination: text(m.destination),
    rw: m.rw === true,
    propagation: text(m.propagation),
  };
}

function container(line: string): ContainerInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new FactError(NAME, `docker inspect printed a line that is not JSON: "${line.slice(0, 80)}"`);
  }
  if (!isObject(raw) || typeof raw.id !== "string")
    throw new FactError(NAME, "docker inspect printed an object without an id");
  const j = raw;
  return {
    id: j.id as string,
    name: text(j.name).replace(/^\//, ""),
    image: text(j.image),
    state: text(j.state),
    health: typeof j.health === "string" ? j.health : null,
    privileged: j.privileged === true,
    network: text(j.network),
    memory: typeof j.memory === "number" ? j.memory : 0,
    restart: text(j.restart),
    restartRetries: typeof j.restartRetries === "number" ? j.restartRetries : 0,
    mounts: Array.isArray(j.mounts) ? j.mounts.map(mount) : [],
  };
}

export function parseContainers(stdout: string): Containers {
  const rows = lines(stdout);
  const count = /^containers (\d+)$/.exec(rows[0] ?? "")?.[1];
  if (count === undefined) throw new FactError(NAME, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  const found: ContainerInfo[] = [];
  const resolved: Record<string, string> = {};
  let source: string | undefined;
  for (const row of rows.slice(1)) {
    if (row.startsWith("{")) found.push(container(row));
    else if (row.startsWith("source ")) continue;
    else if (row.startsWith("src ")) source = row.slice(4);
    else if (row.startsWith("real ") && source !== undefined) {
      if (row !== "real ") resolved[source] = row.slice(5);
      source = undefined;
    } else throw new FactError(NAME, `unexpected line "${row.slice(0, 80)}"`);
  }
  if (found.length !== Number(count))
    throw new FactError(
      NAME,
      `docker ps listed ${count} containers, docker inspect described ${found.length}`,
    );
  return { containers: found, resolved };
}

/** @example facts.get(containers).containers[0] // { id: "3f…", name: "web", privileged: false, … } */
export const containers: Fact<Containers> = {
  name: NAME,
  command: "docker ps -q --no-trunc | xargs docker inspect",
  stderr: "fold",
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo 'docker: command not found'; exit 127; fi",
    "ids=$(t docker ps -q --no-trunc 2>&1) || { s=$?; printf '%s\\n' \"$ids\"; exit $s; }",
    "n=$(printf '%s' \"$ids\" | grep -c .)",
    'if [ "$n" = 0 ]; then echo "containers 0"; exit 0; fi',
    // Container ids are hex: word splitting them is safe and wanted.
    `out=$(t docker inspect --format ${quote(TEMPLATE)} $ids 2>&1) || { s=$?; printf '%s\\n' "$out"; exit $s; }`,
    'printf "containers %s\\n%s\\n" "$n" "$out"',
    'printf "%s\\n" "$out" | sed -n "s/^source //p" | sort -u | while IFS= read -r p; do',
    '  printf "src %s\\nreal %s\\n" "$p" "$(readlink -f -- "$p" 2>/dev/null)"',
    "done",
  ].join("\n"),
  parse: parseContainers,
};
