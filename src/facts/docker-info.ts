/**
 * What the Docker engine says about itself: absent, installed but not answering, or running with
 * its version, mirrors and insecure registries as the daemon actually applied them.
 *
 * The daemon is asked through its own API on its socket when curl can: the docker CLI is a large Go
 * binary that, for `docker info`, also starts every CLI plugin to list it, and cost a no-op probe
 * several times more than curl does. The CLI answers where curl cannot (no curl, curl older than
 * 7.40 on EL7, DOCKER_HOST set, another socket).
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { wordMap } from "./text.js";

interface Common {
  /**
   * From `docker --version` (the client alone, no daemon call); null when it printed nothing, or
   * when it was not asked because the daemon answered (see dockerDaemon).
   */
  readonly clientVersion: string | null;
  /**
   * dockerd knows `--validate` (Docker 23.0 and later): daemon.json can be checked before it is
   * applied. Read from the version rather than from `dockerd --help`: starting the daemon binary
   * only to read its help cost a no-op run more than the rest of its probe.
   */
  readonly canValidate: boolean;
}

export type DockerInfo =
  | { readonly status: "absent" }
  | (Common & { readonly status: "not-running"; readonly message: string })
  | (Common & {
      readonly status: "running";
      readonly serverVersion: string;
      readonly registryMirrors: readonly string[];
      readonly insecureRegistries: readonly string[];
      readonly cgroupDriver: string;
      readonly storageDriver: string;
      /** `LiveRestoreEnabled`: containers survive a daemon restart. */
      readonly liveRestore: boolean;
      /** `SecurityOptions`, e.g. "name=seccomp,profile=default", "name=userns". */
      readonly securityOptions: readonly string[];
      /** `Warnings` the daemon prints about its own configuration (an unencrypted TCP socket...). */
      readonly warnings: readonly string[];
      /** The default log driver of new containers. */
      readonly loggingDriver: string;
      /** `DockerRootDir`: where images and containers live. */
      readonly rootDir: string;
      /** `Swarm.LocalNodeState`: "inactive", "pending", "active", "error" or "locked". */
      readonly swarmState: string;
      /** `ExperimentalBuild`: the daemon runs with experimental features on. */
      readonly experimental: boolean;
      /** `Debug`: the daemon runs in debug mode (its log level is debug). */
      readonly debug: boolean;
      /** `Plugins.Authorization`: the authorization plugins every API request goes through. */
      readonly authorizationPlugins: readonly string[];
    });

const NAME = "docker-info";
const DAEMON_NAME = "docker-daemon";
/** Always insecure in dockerd; never something a user asked for. */
const DEFAULT_INSECURE = new Set(["127.0.0.0/8", "::1/128"]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Insecure registries as dockerd applied them: CIDRs plus index configs marked not secure. */
function insecureOf(registry: Json): string[] {
  const cidrs = strings(registry.InsecureRegistryCIDRs).filter((c) => !DEFAULT_INSECURE.has(c));
  const index = isObject(registry.IndexConfigs) ? registry.IndexConfigs : {};
  const hosts = Object.entries(index)
    .filter(([, cfg]) => isObject(cfg) && cfg.Secure === false)
    .map(([name]) => name);
  return [...new Set([...cidrs, ...hosts])].sort();
}

/** Docker 23.0 brought `dockerd --validate`; versions look like "20.10.24+dfsg1" or "25.0.3". */
function validates(version: string | null): boolean {
  const major = Number(/^(\d+)\./.exec(version ?? "")?.[1] ?? 0);
  return major >= 23;
}

/** Parses either probe's output (docker-info or docker-daemon): `client`, `info` and `error` lines. */
export function parseDockerInfo(stdout: string): DockerInfo {
  // The JSON comes last and is taken whole (newlines and all): no `tr` on the host to fold it.
  const nl = stdout.indexOf("\ninfo ");
  const at = stdout.startsWith("info ") ? 0 : nl < 0 ? -1 : nl + 1;
  const kv = wordMap(at < 0 ? stdout : stdout.slice(0, at));
  if (kv.get("status") === "absent") return { status: "absent" };
  // Only the probe's own lines: anything else is output ops does not understand, never "not running".
  const known = new Set(["client", "error", "validate"]);
  const stray = [...kv.keys()].find((k) => !known.has(k));
  if (stray !== undefined) throw new FactError(NAME, `unexpected output "${stray.slice(0, 80)}"`);
  const client = kv.get("client")?.trim() ?? "";
  const raw = at >= 0 ? stdout.slice(at + "info ".length) : undefined;
  if (raw === undefined) {
    const clientVersion = client === "" ? null : client;
    const message = (kv.get("error") ?? "").trim() || "docker info did not answer";
    return { clientVersion, canValidate: validates(clientVersion), status: "not-running", message };
  }
  let info: unknown;
  try {
    info = JSON.parse(raw);
  } catch {
    throw new FactError(NAME, "docker info printed invalid JSON");
  }
  if (!isObject(info)) throw new FactError(NAME, "docker info printed JSON that is not an object");
  const clientVersion = client === "" ? null : client;
  const common: Common = { clientVersion, canValidate: validates(clientVersion) };
  const errors = strings(info.ServerErrors);
  if (str(info.ServerVersion) === "") {
    return {
      ...common,
      status: "not-running",
      message: errors.join("; ") || "the daemon did not report a version",
    };
  }
  const registry = isObject(info.RegistryConfig) ? info.RegistryConfig : {};
  return {
    ...common,
    canValidate: validates(str(info.ServerVersion)),
    status: "running",
    serverVersion: str(info.ServerVersion),
    registryMirrors: strings(registry.Mirrors),
    insecureRegistries: insecureOf(registry),
    cgroupDriver: str(info.CgroupDriver),
    storageDriver: str(info.Driver),
    liveRestore: info.LiveRestoreEnabled === true,
    securityOptions: strings(info.SecurityOptions),
    warnings: strings(info.Warnings),
    loggingDriver: str(info.LoggingDriver),
    rootDir: str(info.DockerRootDir),
    swarmState: str(isObject(info.Swarm) ? info.Swarm.LocalNodeState : undefined),
    experimental: info.ExperimentalBuild === true,
    debug: info.Debug === true,
    authorizationPlugins: strings(isObject(info.Plugins) ? info.Plugins.Authorization : undefined),
  };
}

/** Runs a docker command with a bound on how long a hung daemon can hold the whole probe. */
export const bounded = (cmd: string): string =>
  `if command -v timeout >/dev/null 2>&1; then timeout 20 ${cmd}; else ${cmd}; fi`;

// "Docker version 20.10.24+dfsg1, build 297e128": the client's own version, no daemon call.
const CLIENT = `printf 'client %s\\n' "$(docker --version 2>/dev/null | sed -n 's/^Docker version \\([^, ]*\\).*/\\1/p' | head -n 1)"`;

/**
 * The probe. `client` says when `docker --version` runs: always, or only when the daemon did not
 * answer over its socket (then it tells whether this dockerd can `--validate`).
 */
function probe(client: "always" | "unless-socket-answers"): string {
  const fallback = `out=$(${bounded("docker info --format '{{json .}}'")} 2>/dev/null)`;
  return [
    "if ! command -v docker >/dev/null 2>&1; then echo 'status absent'; exit 0; fi",
    ...(client === "always" ? [CLIENT] : []),
    "out=''",
    'if [ -z "${DOCKER_HOST:-}" ] && [ -S /var/run/docker.sock ] && command -v curl >/dev/null 2>&1; then',
    "  out=$(curl -sf --max-time 20 --unix-socket /var/run/docker.sock http://localhost/info 2>/dev/null)",
    "fi",
    // Warnings go to stderr, the JSON to stdout; a stopped daemon still prints JSON with ServerErrors.
    'case "$out" in',
    "  '{'*) ;;",
    `  *) ${client === "always" ? "" : `${CLIENT}; `}${fallback} ;;`,
    "esac",
    'case "$out" in',
    "  '{'*) printf 'info %s\\n' \"$out\" ;;",
    `  *) printf 'error %s\\n' "$( (${bounded("docker info")}) 2>&1 >/dev/null | tail -n 3 | tr '\\n' ' ' | cut -c1-500)" ;;`,
    "esac",
  ].join("\n");
}

/**
 * The engine and the client's version, always: for checks that report both.
 * @example facts.get(dockerInfo).status === "running"
 */
export const dockerInfo: Fact<DockerInfo> = { name: NAME, probe: probe("always"), parse: parseDockerInfo };

/**
 * The same question for resources, without starting the docker CLI when the daemon answers over
 * its socket: the client's version is then null, and `canValidate` comes from the server's version
 * as always. When the daemon is silent, the client's version tells whether dockerd can `--validate`.
 * @example facts.get(dockerDaemon).status === "running"
 */
export const dockerDaemon: Fact<DockerInfo> = {
  name: DAEMON_NAME,
  probe: probe("unless-socket-answers"),
  parse: parseDockerInfo,
};
