/**
 * One running container as `docker inspect` describes it (one JSON object per line, the template
 * below) and the processes the host's /proc lists in its cgroup, with each process's NoNewPrivs
 * and Seccomp from /proc/<pid>/status. Every field section 5 of the CIS benchmark (and 4.1) judges
 * comes from these: one inspect is shared by every per-container check.
 */
import { FactError } from "../../errors.js";

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

/** A published port as the daemon bound it (`NetworkSettings.Ports`). */
export interface PublishedPort {
  /** "80/tcp". */
  readonly container: string;
  /** "0.0.0.0", "::", "127.0.0.1"; "" when docker printed none. */
  readonly hostIp: string;
  readonly hostPort: number;
}

/** One process of a container, from its cgroup in /proc and its /proc/<pid>/status. */
export interface ContainerProcess {
  readonly pid: number;
  /** The command name (comm), e.g. "sshd". */
  readonly command: string;
  /** The kernel's NoNewPrivs flag; null when /proc could not be read. */
  readonly noNewPrivs: boolean | null;
  /** The kernel's Seccomp mode (0 off, 1 strict, 2 filter); null when unknown. */
  readonly seccomp: number | null;
}

/** A container's processes as the host lists them, or why they could not be listed. */
export type ContainerProcesses =
  | { readonly status: "listed"; readonly processes: readonly ContainerProcess[] }
  | { readonly status: "error"; readonly message: string };

export interface ContainerInfo {
  readonly id: string;
  /** Without the leading slash docker prints. */
  readonly name: string;
  readonly image: string;
  readonly state: string;
  /** The main process's pid on the host (0 when not running). */
  readonly pid: number;
  /** "healthy", "unhealthy", "starting", or null without a health check. */
  readonly health: string | null;
  /** The HEALTHCHECK test in force (the image's or the run's); null when none, ["NONE"] when disabled. */
  readonly healthcheck: readonly string[] | null;
  /** `Config.User`: "" runs as the image's default, root. */
  readonly user: string;
  readonly appArmorProfile: string;
  /** The SELinux label the process runs with ("" without SELinux). */
  readonly processLabel: string;
  readonly privileged: boolean;
  /** "default", "bridge", "host", "none", "container:<id>", a network name. */
  readonly network: string;
  readonly pidMode: string;
  readonly ipcMode: string;
  readonly utsMode: string;
  readonly usernsMode: string;
  /** Bytes; 0 means no limit. */
  readonly memory: number;
  readonly cpuShares: number;
  readonly nanoCpus: number;
  readonly cpuQuota: number;
  readonly readonlyRootfs: boolean;
  /** "no", "always", "unless-stopped", "on-failure" ("" is the same as "no"). */
  readonly restart: string;
  readonly restartRetries: number;
  readonly securityOpt: readonly string[];
  readonly capAdd: readonly string[];
  /** null, 0 and -1 all mean unlimited. */
  readonly pidsLimit: number | null;
  readonly cgroupParent: string;
  readonly ports: readonly PublishedPort[];
  readonly mounts: readonly ContainerMount[];
  /** From /proc (the container's cgroup); an error until the probe's process lines for it are read. */
  readonly processes: ContainerProcesses;
}

const NAME = "containers";

/**
 * One JSON object per container, then the source of each bind mount on a line of its own. Field
 * names are the typed struct's (`.ID`, not the API's `.Id`) and inspect runs with `--type
 * container`: a name the struct lacks makes the CLI fall back to a map, where a container without a
 * health check has no `.State.Health` and the whole inspect fails (docker 20.10).
 */
export const INSPECT_TEMPLATE =
  '{"id":{{json .ID}},"name":{{json .Name}},"image":{{json .Config.Image}},"state":{{json .State.Status}},' +
  '"pid":{{json .State.Pid}},"health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},' +
  '"healthcheck":{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{else}}null{{end}},' +
  '"user":{{json .Config.User}},"apparmor":{{json .AppArmorProfile}},"label":{{json .ProcessLabel}},' +
  '"privileged":{{json .HostConfig.Privileged}},"network":{{json .HostConfig.NetworkMode}},' +
  '"pidMode":{{json .HostConfig.PidMode}},"ipcMode":{{json .HostConfig.IpcMode}},' +
  '"utsMode":{{json .HostConfig.UTSMode}},"usernsMode":{{json .HostConfig.UsernsMode}},' +
  '"memory":{{json .HostConfig.Memory}},"cpuShares":{{json .HostConfig.CPUShares}},' +
  '"nanoCpus":{{json .HostConfig.NanoCPUs}},"cpuQuota":{{json .HostConfig.CPUQuota}},' +
  '"readonlyRootfs":{{json .HostConfig.ReadonlyRootfs}},"restart":{{json .HostConfig.RestartPolicy.Name}},' +
  '"restartRetries":{{json .HostConfig.RestartPolicy.MaximumRetryCount}},' +
  '"securityOpt":{{json .HostConfig.SecurityOpt}},"capAdd":{{json .HostConfig.CapAdd}},' +
  '"pidsLimit":{{json .HostConfig.PidsLimit}},"cgroupParent":{{json .HostConfig.CgroupParent}},' +
  '"ports":{{json .NetworkSettings.Ports}},' +
  '"mounts":[{{range $i, $m := .Mounts}}{{if $i}},{{end}}{"type":{{json $m.Type}},"source":{{json $m.Source}},' +
  '"destination":{{json $m.Destination}},"rw":{{json $m.RW}},"propagation":{{json $m.Propagation}}}{{end}}]}' +
  '{{range .Mounts}}{{if eq .Type "bind"}}{{printf "\\nsource %s" .Source}}{{end}}{{end}}';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

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

function ports(v: unknown): PublishedPort[] {
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([container, bindings]) =>
    (Array.isArray(bindings) ? bindings : []).filter(isObject).map((b) => ({
      container,
      hostIp: text(b.HostIp),
      hostPort: Number.parseInt(text(b.HostPort), 10) || 0,
    })),
  );
}

const NOT_LISTED: ContainerProcesses = { status: "error", message: "the probe listed no processes for it" };

/**
 * One line of the inspect template.
 *
 * @throws FactError when the line is not a JSON object with an id
 */
export function parseContainerLine(line: string): ContainerInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new FactError(NAME, `docker inspect printed a line that is not JSON: "${line.slice(0, 80)}"`);
  }
  return containerOf(raw);
}

const at = (v: unknown, key: string): unknown => (isObject(v) ? v[key] : undefined);

/**
 * A container inspect object of the engine's API (what `docker inspect` prints whole) as the
 * template's fields: the same names at the same places, so both are read by one function.
 */
export function containerFromApi(body: unknown): ContainerInfo {
  const config = at(body, "Config");
  const state = at(body, "State");
  const host = at(body, "HostConfig");
  const hc = (key: string) => at(host, key);
  const mounts = at(body, "Mounts");
  return containerOf({
    id: at(body, "Id"),
    name: at(body, "Name"),
    image: at(config, "Image"),
    state: at(state, "Status"),
    pid: at(state, "Pid"),
    health: at(at(state, "Health"), "Status") ?? null,
    healthcheck: at(at(config, "Healthcheck"), "Test") ?? null,
    user: at(config, "User"),
    apparmor: at(body, "AppArmorProfile"),
    label: at(body, "ProcessLabel"),
    privileged: hc("Privileged"),
    network: hc("NetworkMode"),
    pidMode: hc("PidMode"),
    ipcMode: hc("IpcMode"),
    utsMode: hc("UTSMode"),
    usernsMode: hc("UsernsMode"),
    memory: hc("Memory"),
    cpuShares: hc("CpuShares"),
    nanoCpus: hc("NanoCpus"),
    cpuQuota: hc("CpuQuota"),
    readonlyRootfs: hc("ReadonlyRootfs"),
    restart: at(hc("RestartPolicy"), "Name"),
    restartRetries: at(hc("RestartPolicy"), "MaximumRetryCount"),
    securityOpt: hc("SecurityOpt"),
    capAdd: hc("CapAdd"),
    pidsLimit: hc("PidsLimit"),
    cgroupParent: hc("CgroupParent"),
    ports: at(at(body, "NetworkSettings"), "Ports"),
    mounts: Array.isArray(mounts)
      ? mounts.map((m) => ({
          type: at(m, "Type"),
          source: at(m, "Source"),
          destination: at(m, "Destination"),
          rw: at(m, "RW"),
          propagation: at(m, "Propagation"),
        }))
      : mounts,
  });
}

function containerOf(raw: unknown): ContainerInfo {
  if (!isObject(raw) || typeof raw.id !== "string")
    throw new FactError(NAME, "docker inspect printed an object without an id");
  const j = raw;
  return {
    id: j.id as string,
    name: text(j.name).replace(/^\//, ""),
    image: text(j.image),
    state: text(j.state),
    pid: num(j.pid),
    health: typeof j.health === "string" ? j.health : null,
    healthcheck: Array.isArray(j.healthcheck) ? strings(j.healthcheck) : null,
    user: text(j.user),
    appArmorProfile: text(j.apparmor),
    processLabel: text(j.label),
    privileged: j.privileged === true,
    network: text(j.network),
    pidMode: text(j.pidMode),
    ipcMode: text(j.ipcMode),
    utsMode: text(j.utsMode),
    usernsMode: text(j.usernsMode),
    memory: num(j.memory),
    cpuShares: num(j.cpuShares),
    nanoCpus: num(j.nanoCpus),
    cpuQuota: num(j.cpuQuota),
    readonlyRootfs: j.readonlyRootfs === true,
    restart: text(j.restart),
    restartRetries: num(j.restartRetries),
    securityOpt: strings(j.securityOpt),
    capAdd: strings(j.capAdd),
    pidsLimit: typeof j.pidsLimit === "number" ? j.pidsLimit : null,
    cgroupParent: text(j.cgroupParent),
    ports: ports(j.ports),
    mounts: Array.isArray(j.mounts) ? j.mounts.map(mount) : [],
    processes: NOT_LISTED,
  };
}

const flag = (v: string | undefined): boolean | null => (v === "1" ? true : v === "0" ? false : null);
const mode = (v: string | undefined): number | null => (v && /^\d+$/.test(v) ? Number(v) : null);

/**
 * Reads one process line into `into`: `top <id>` starts a container's list, `| <pid> <NoNewPrivs>
 * <Seccomp> <comm>` is one of its processes, `top-error <id> <message>` says they could not be listed.
 * Returns false for a line that is none of these.
 */
export function readProcessLine(
  row: string,
  into: Map<string, ContainerProcesses>,
  last: { id?: string },
): boolean {
  const [tag = "", id = "", ...rest] = row.split(" ");
  if (tag === "top") {
    into.set(id, { status: "listed", processes: [] });
    last.id = id;
  } else if (tag === "top-error") {
    into.set(id, { status: "error", message: rest.join(" ") || "its processes could not be listed" });
    last.id = undefined;
  } else if (tag === "|") {
    const current = last.id === undefined ? undefined : into.get(last.id);
    const pid = Number(id);
    if (current?.status !== "listed" || !Number.isInteger(pid) || pid <= 0)
      throw new FactError(NAME, `unexpected process line "${row.slice(0, 80)}"`);
    const [nnp, seccomp, ...command] = rest;
    const process = { pid, command: command.join(" "), noNewPrivs: flag(nnp), seccomp: mode(seccomp) };
    into.set(last.id ?? "", { status: "listed", processes: [...current.processes, process] });
  } else return false;
  return true;
}

/** The container's main process (its pid as docker reports it), when the probe listed it. */
export function mainProcess(c: ContainerInfo): ContainerProcess | undefined {
  return c.processes.status === "listed" ? c.processes.processes.find((p) => p.pid === c.pid) : undefined;
}
