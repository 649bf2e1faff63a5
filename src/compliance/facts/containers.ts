/**
 * The running containers and what section 5 of the CIS benchmark judges about each: one `docker ps`
 * and one `docker inspect` of every running container, one JSON object per line, then each bind
 * mount's source as the host resolves it (symlinks followed), so a mount of `/var/run` or of a link
 * to the Docker socket is seen for what it reaches, and each container's processes (from /proc,
 * with the kernel's NoNewPrivs and Seccomp of each). The fields are container-record.ts's.
 *
 * The probe fails (exits non-zero, with docker's own message) when `docker ps` or `docker inspect`
 * fails or times out: "could not list" is never "no containers". It prints `containers N` only after
 * inspect succeeded, and the parser wants exactly N objects, so cut-off output is an error too.
 * Where the engine's socket can be asked (engine-api.ts), the list and every inspect go to its API
 * in two curl runs (`api-containers N`, then each inspect object and its status), and each bind
 * mount's source is taken from the JSON; every bind source then must have been resolved on the
 * host, so a source the shell could not read out is an error, never a mount judged unresolved.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { quote } from "../../transport/quote.js";
import { API_FUNCTIONS, API_USABLE, readResponses } from "./engine-api.js";
import {
  containerFromApi,
  INSPECT_TEMPLATE,
  parseContainerLine,
  readProcessLine,
  type ContainerInfo,
  type ContainerProcesses,
} from "./container-record.js";

export type { ContainerInfo, ContainerMount } from "./container-record.js";

export interface Containers {
  readonly containers: readonly ContainerInfo[];
  /** Bind-mount source -> what it resolves to on the host (`readlink -f`); absent when it resolves to nothing. */
  readonly resolved: Readonly<Record<string, string>>;
}

const NAME = "containers";

export function parseContainers(stdout: string): Containers {
  const rows = lines(stdout);
  const [, api, count] = /^(api-)?containers (\d+)$/.exec(rows[0] ?? "") ?? [];
  if (count === undefined) throw new FactError(NAME, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  const found: ContainerInfo[] = [];
  let from = 1;
  if (api !== undefined) {
    const { responses, next } = readResponses(rows, 1, NAME);
    found.push(...responses.map((r) => containerFromApi(r.body)));
    from = next;
  }
  const resolved: Record<string, string> = {};
  const listed = new Set<string>();
  const processes = new Map<string, ContainerProcesses>();
  const last: { id?: string } = {};
  let source: string | undefined;
  for (const row of rows.slice(from)) {
    if (row.startsWith("{") && api === undefined) found.push(parseContainerLine(row));
    else if (readProcessLine(row, processes, last)) continue;
    else if (row.startsWith("source ")) continue;
    else if (row.startsWith("src ")) {
      source = row.slice(4);
      listed.add(source);
    } else if (row.startsWith("real ") && source !== undefined) {
      if (row !== "real ") resolved[source] = row.slice(5);
      source = undefined;
    } else throw new FactError(NAME, `unexpected line "${row.slice(0, 80)}"`);
  }
  if (found.length !== Number(count))
    throw new FactError(
      NAME,
      `docker ps listed ${count} containers, docker inspect described ${found.length}`,
    );
  const unread = found.flatMap((c) => c.mounts).find((m) => m.type === "bind" && !listed.has(m.source));
  if (api !== undefined && unread !== undefined)
    throw new FactError(NAME, `the bind mount source ${unread.source} was not resolved on the host`);
  const ids = new Set(found.map((c) => c.id));
  const stray = [...processes.keys()].find((id) => !ids.has(id));
  if (stray !== undefined)
    throw new FactError(NAME, `processes listed for ${stray.slice(0, 12)}, which inspect did not describe`);
  return {
    containers: found.map((c) => {
      const p = processes.get(c.id);
      return p ? { ...c, processes: p } : c;
    }),
    resolved,
  };
}

/** A bind mount's source in the engine's JSON; `\"` and `\\` inside it are escapes. */
const BIND_SOURCE = String.raw`"Type":"bind","Source":"([^"\\]|\\.)*"`;
/** The key off, and the escapes Go's JSON encoder writes in a path undone (HTML-safe `\u0026`…). */
const UNESCAPE = String.raw`s/^"Type":"bind","Source":"//; s/"$//; s/\\u0026/\&/g; s/\\u003c/</g; s/\\u003e/>/g; s/\\"/"/g; s/\\\\/\\/g`;

/** At most this many processes per container: enough to find sshd, bounded for a fork bomb. */
const MAX_PROCESSES = 500;

/** The awk of PROCESSES: its input is "pid id" lines in pid order, `ids` the containers in order. */
const PROCESS_AWK = [
  'NF == 2 && ++seen[$2] <= max { pids[$2] = pids[$2] " " $1 }',
  "END {",
  '  n = split(ids, want, " ")',
  "  for (i = 1; i <= n; i++) {",
  "    id = want[i]",
  '    if (id == "") continue',
  '    if (!(id in pids)) { printf "top-error %s no process in its cgroup (it stopped meanwhile)\\n", id; continue }',
  '    printf "top %s\\n", id',
  '    m = split(pids[id], list, " ")',
  "    for (j = 1; j <= m; j++) {",
  "      pid = list[j]",
  '      f = "/proc/" pid "/comm"',
  "      r = (getline comm < f); close(f)",
  "      if (r < 0) continue",
  '      if (r == 0) comm = ""',
  '      f = "/proc/" pid "/status"; nnp = "?"; sec = "?"',
  "      while ((getline line < f) > 0) {",
  '        if (line ~ /^NoNewPrivs:/) { split(line, w); nnp = w[2] == "" ? "?" : w[2] }',
  '        else if (line ~ /^Seccomp:/) { split(line, w); sec = w[2] == "" ? "?" : w[2] }',
  "      }",
  "      close(f)",
  '      printf "| %s %s %s %s\\n", pid, nnp, sec, comm',
  "    }",
  "  }",
  "}",
].join("\n");

/**
 * Per container, its processes as the host's /proc lists them: every process whose cgroup names the
 * container's id (cgroup v1 and v2, either cgroup driver), found in one pass over /proc instead of
 * one `docker top` per container, with the kernel's NoNewPrivs and Seccomp of each. Nothing runs
 * inside the container. A container with no process left (it stopped meanwhile) gives `top-error`,
 * which the checks that read processes report as an error.
 * One awk reads every process's comm and status: a shell loop ran 4 programs per container and 2
 * per process, most of the probe's time on a host with a few containers (127 of 170 ms with 5).
 */
const PROCESSES = [
  // "812 <id>" for each process whose cgroup's last component names a container id (`<id>` or
  // `docker-<id>.scope`): the container's own cgroup, as docker top reads it, not a nested
  // engine's containers below it. -s: a process that exited meanwhile is skipped.
  "members=$(grep -s -H -E '[0-9a-f]{64}' /proc/[0-9]*/cgroup | sed -n 's#^/proc/\\([0-9]*\\)/cgroup:.*/[^/]*\\([0-9a-f]\\{64\\}\\)[^/]*$#\\1 \\2#p' | sort -u)",
  // In pid order, the first MAX_PROCESSES of each container. A process gone before its comm is read
  // is left out (it exited meanwhile); a status that cannot be read gives "? ?".
  `printf '%s\\n' "$members" | sort -n | awk -v ids="$(printf '%s ' $ids)" -v max=${MAX_PROCESSES} '${PROCESS_AWK}'`,
];

/** @example facts.get(containers).containers[0] // { id: "3f…", name: "web", privileged: false, … } */
export const containers: Fact<Containers> = {
  name: NAME,
  command: "docker ps -q --no-trunc | xargs docker inspect",
  stderr: "fold",
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo 'docker: command not found'; exit 127; fi",
    `if ${API_USABLE}; then`,
    API_FUNCTIONS,
    "  list=$(apiList /containers/json) || { printf '%s\\n' \"$list\"; exit 1; }",
    // `Id` is the first key of each summary (`[{"Id":` or `},{"Id":`), where no label can put one.
    '  ids=$(printf \'%s\\n\' "$list" | grep -oE \'(^\\[|\\},)\\{"Id":"[0-9a-f]{64}"\' | cut -d\'"\' -f4)',
    "  n=$(printf '%s' \"$ids\" | grep -c .)",
    "  if [ \"$n\" = 0 ]; then case \"$list\" in '[]'*) echo 'containers 0'; exit 0 ;; esac; printf 'no container id in the list: %s\\n' \"$(printf '%s' \"$list\" | cut -c1-200)\"; exit 1; fi",
    "  out=$(api $(printf 'http://localhost/containers/%s/json\\n' $ids) 2>&1) || { s=$?; printf '%s\\n' \"$out\"; exit $s; }",
    '  printf "api-containers %s\\n%s\\n" "$n" "$out"',
    // Bind sources out of the JSON (`"Type":"bind","Source":"…"`, the engine's key order), with the
    // escapes a path can carry undone; one the parser does not find resolved is an error.
    `  sources=$(printf '%s\\n' "$out" | grep -oE ${quote(BIND_SOURCE)} | sed ${quote(UNESCAPE)})`,
    "else",
    "ids=$(t docker ps -q --no-trunc 2>&1) || { s=$?; printf '%s\\n' \"$ids\"; exit $s; }",
    "n=$(printf '%s' \"$ids\" | grep -c .)",
    'if [ "$n" = 0 ]; then echo "containers 0"; exit 0; fi',
    // Container ids are hex: word splitting them is safe and wanted.
    `out=$(t docker inspect --type container --format ${quote(INSPECT_TEMPLATE)} $ids 2>&1) || { s=$?; printf '%s\\n' "$out"; exit $s; }`,
    'printf "containers %s\\n%s\\n" "$n" "$out"',
    'sources=$(printf "%s\\n" "$out" | sed -n "s/^source //p")',
    "fi",
    'printf "%s\\n" "$sources" | grep . | sort -u | while IFS= read -r p; do',
    '  printf "src %s\\nreal %s\\n" "$p" "$(readlink -f -- "$p" 2>/dev/null)"',
    "done",
    ...PROCESSES,
  ].join("\n"),
  parse: parseContainers,
};
