/**
 * What the registry host holds, rendered from templates/registry/ on the control machine: the
 * compose project, the registry's and nginx's configs, the access rules, TLS files, the GC script
 * and its timer. Pure: variables and TLS material in, files and per-service config hashes out.
 * (The htpasswd file is planned from the host's current file: see htpasswd.ts.)
 */
import { LOCK_PATH } from "../facts/lock.js";
import { sha256 } from "../resources/diff.js";
import { configHash } from "../resources/compose.js";
import { renderTemplate, type TemplateVars } from "../resources/render.js";
import { quote } from "../transport/quote.js";
import { VERIFY_ROBOT, type RegistryModel } from "./model.js";
import { accessTable } from "./rights.js";
import { DECOY_ACCOUNT, DECOY_HTPASSWD } from "./htpasswd.js";
import { ROUTES, UNMATCHED } from "./routes.js";
import { portalFiles } from "./portal/files.js";
import { GRANTS_FILE, grantsFile } from "./portal/grants.js";
import { aheadPattern, VERIFY_ROBOT_DIR } from "./verify-robot.js";

/** The compose project name: containers are `ops-registry-<service>-1`. */
export const COMPOSE_PROJECT = "ops-registry";
/** Handler that checks nginx's config and reloads it in place (accounts, rules, certificates). */
export const NGINX_RELOAD = "registry-nginx-reload";
/** nginx's config as its container sees it (the host's `<registry_dir>/nginx` is mounted there). */
export const NGINX_CONF_IN_CONTAINER = "/etc/ops-registry/nginx.conf";
/** Where nginx's start script writes the compose network's gateway as a `geo` entry, in its container. */
export const GATEWAY_CONF = "/tmp/ops-host-gateway.conf";
/** Handler that reloads systemd and restarts the GC timer after its units changed. */
export const GC_TIMER_RESTART = "registry-gc-timer-restart";
export const GC_TIMER = "ops-registry-gc.timer";
export const SYSTEMD_DIR = "/etc/systemd/system";

export interface StackSpec {
  readonly dir: string;
  readonly dataDir: string;
  readonly tls: boolean;
  /** Published port of the registry. */
  readonly port: number;
  readonly serverName: string;
  readonly images: { readonly registry: string; readonly nginx: string; readonly policy: string };
  /** The policy service (policy-config.ts), when something needs it. */
  readonly policy: {
    /** The bundled service (dist/policy/server.mjs). */
    readonly server: string;
    /** Its policy.json. */
    readonly config: string;
    /** True when the config holds webhook secrets. */
    readonly secret: boolean;
    /** Published metrics port (0: none) and who may scrape it. */
    readonly metrics: { readonly port: number; readonly allow: readonly string[] };
  } | null;
  readonly proxyCache: {
    readonly port: number;
    readonly remoteUrl: string;
    readonly username: string;
    readonly password: string;
    /** Anyone may pull; otherwise only `allow` anonymously and `members` logged in. */
    readonly public: boolean;
    readonly members: readonly string[];
    /** Addresses and CIDRs that pull without logging in: the inventory's hosts and more. */
    readonly allow: readonly string[];
  } | null;
  /** systemd OnCalendar of the GC timer, or "" for none. */
  readonly gcSchedule: string;
  /** The browser portal at `/` (registry_portal). */
  readonly portal: boolean;
  /** Where nginx reaches the policy service (the portal's sessions); default `policy:9000`. */
  readonly policyAddress?: string;
}

export interface StackFile {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
  readonly notify?: readonly string[];
  /** Holds a secret: its diff is never shown. */
  readonly sensitive?: boolean;
}

export interface Stack {
  readonly files: readonly StackFile[];
  /** Directories the files live in, with their modes, outermost first. */
  readonly dirs: readonly { readonly path: string; readonly mode: string }[];
  /** The services compose must run, each with the `ops.config-hash` label it must carry. */
  readonly services: Readonly<Record<string, string>>;
  /** Host ports the stack publishes. */
  readonly ports: readonly number[];
}

/**
 * @example renderStack(spec, model, { certPem, keyPem }).files.map((f) => f.path) // [".../compose.yaml", ...]
 */
export function renderStack(
  spec: StackSpec,
  model: RegistryModel,
  tls: { readonly certPem: string; readonly keyPem: string } | null,
): Stack {
  const d = spec.dir;
  const registryConfig = (readonly: boolean) =>
    renderTemplate("registry/config.yml.ejs", { readonly, proxy: null });
  const config = registryConfig(false);
  const readonlyConfig = registryConfig(true);
  const proxyConfig =
    spec.proxyCache === null
      ? null
      : renderTemplate("registry/config.yml.ejs", { readonly: false, proxy: spec.proxyCache });
  const nginxConf = renderTemplate("registry/nginx.conf.ejs", {
    tls: spec.tls,
    serverName: spec.serverName,
    proxyCache: spec.proxyCache !== null,
    proxyPublic: spec.proxyCache?.public ?? false,
    servers: [
      { listen: spec.tls ? "443 ssl" : "80", audit: true },
      ...(spec.proxyCache !== null ? [{ listen: spec.tls ? "5443 ssl" : "5443", audit: false }] : []),
    ],
    routes: ROUTES,
    unmatched: UNMATCHED,
    decoyCredential: Buffer.from(`${DECOY_ACCOUNT}:x`).toString("base64"),
    policy: spec.policy !== null,
    metrics: spec.policy?.metrics ?? { port: 0, allow: [] },
    portal: spec.portal,
    verifyRobotFile: VERIFY_ROBOT.source,
    verifyRobotAhead: aheadPattern(),
  });
  const nginxStart = renderTemplate("registry/nginx-start.sh.ejs", {
    conf: NGINX_CONF_IN_CONTAINER,
    gatewayConf: GATEWAY_CONF,
    quote,
  });
  const services: Record<string, string> = {
    registry: configHash(spec.images.registry, d, spec.dataDir, config),
    "registry-ro": configHash(spec.images.registry, d, spec.dataDir, readonlyConfig),
    // nginx's own files (config, rules, accounts, certificates) apply by reload, not recreation.
    // Its start script runs only when the container starts: a change to it needs a new container.
    nginx: configHash(
      spec.images.nginx,
      d,
      spec.dataDir,
      spec.tls,
      spec.port,
      spec.proxyCache?.port ?? 0,
      sha256(nginxStart),
    ),
  };
  if (proxyConfig !== null) services.proxy = configHash(spec.images.registry, d, spec.dataDir, proxyConfig);
  // Its rules (policy.json) apply without a restart: the service re-reads them.
  if (spec.policy !== null)
    services.policy = configHash(spec.images.policy, d, spec.dataDir, sha256(spec.policy.server));
  const composeVars: TemplateVars = {
    project: COMPOSE_PROJECT,
    images: spec.images,
    dir: d,
    dataDir: spec.dataDir,
    tls: spec.tls,
    port: spec.port,
    proxyCache: spec.proxyCache !== null,
    proxyPort: spec.proxyCache?.port ?? 0,
    policy: spec.policy !== null,
    metricsPort: spec.policy?.metrics.port ?? 0,
    hashes: services,
  };
  const reload = [NGINX_RELOAD];
  const files: StackFile[] = [
    {
      path: `${d}/compose.yaml`,
      content: renderTemplate("registry/compose.yaml.ejs", composeVars),
      mode: "0644",
    },
    { path: `${d}/registry/config.yml`, content: config, mode: "0644" },
    { path: `${d}/registry/config-readonly.yml`, content: readonlyConfig, mode: "0644" },
    { path: `${d}/nginx/nginx.conf`, content: nginxConf, mode: "0644", notify: reload },
    {
      path: `${d}/nginx/access.conf`,
      content: renderTemplate("registry/access.conf.ejs", {
        ...accessTable(model),
        accounts: model.accounts.map((a) => a.name),
        verifyRobot: VERIFY_ROBOT.source,
        proxyAllow: spec.proxyCache?.allow ?? [],
        proxyMembers: spec.proxyCache?.members ?? [],
      }),
      mode: "0644",
      notify: reload,
    },
    { path: `${d}/nginx/htpasswd-decoy`, content: DECOY_HTPASSWD, mode: "0644", notify: reload },
    { path: `${d}/nginx/start.sh`, content: nginxStart, mode: "0644" },
    { path: `${d}/gc.sh`, content: renderGc(spec), mode: "0755" },
    ...portalFiles(d, model, { enabled: spec.portal, policy: spec.policyAddress ?? "policy:9000" }, reload),
  ];
  if (tls !== null) {
    files.push(
      { path: `${d}/nginx/tls/server.crt`, content: tls.certPem, mode: "0644", notify: reload },
      {
        path: `${d}/nginx/tls/server.key`,
        content: tls.keyPem,
        mode: "0600",
        notify: reload,
        sensitive: true,
      },
    );
  }
  if (spec.policy !== null) {
    files.push(
      { path: `${d}/policy/server.mjs`, content: spec.policy.server, mode: "0644" },
      {
        path: `${d}/policy/policy.json`,
        content: spec.policy.config,
        mode: spec.policy.secret ? "0600" : "0644",
        sensitive: spec.policy.secret,
      },
      // The portal's sessions end when their account's rights change (read again on change, like policy.json).
      ...(spec.portal
        ? [{ path: `${d}/policy/${GRANTS_FILE}`, content: grantsFile(model), mode: "0644" }]
        : []),
    );
  }
  if (proxyConfig !== null) {
    const secret = spec.proxyCache?.password !== "";
    files.push({
      path: `${d}/proxy/config.yml`,
      content: proxyConfig,
      mode: secret ? "0600" : "0644",
      sensitive: secret,
    });
  }
  return {
    files,
    dirs: [
      // Only root on the host reaches the accounts and keys; the mounted folders inside it stay
      // readable by nginx's unprivileged workers in the container (a bind mount's own mode counts).
      { path: d, mode: "0700" },
      { path: `${d}/registry`, mode: "0755" },
      { path: `${d}/nginx`, mode: "0755" },
      // ops verify's robots, one file each (verify-robot.ts): nginx's workers read them.
      { path: `${d}/${VERIFY_ROBOT_DIR}`, mode: "0755" },
      ...(tls !== null ? [{ path: `${d}/nginx/tls`, mode: "0755" }] : []),
      ...(spec.portal
        ? [
            { path: `${d}/nginx/portal`, mode: "0755" },
            { path: `${d}/nginx/portal-me`, mode: "0755" },
          ]
        : []),
      ...(proxyConfig !== null ? [{ path: `${d}/proxy`, mode: "0755" }] : []),
      ...(spec.policy !== null ? [{ path: `${d}/policy`, mode: "0755" }] : []),
    ],
    services,
    ports: [
      spec.port,
      ...(spec.proxyCache !== null ? [spec.proxyCache.port] : []),
      ...((spec.policy?.metrics.port ?? 0) > 0 ? [spec.policy?.metrics.port ?? 0] : []),
    ],
  };
}

function renderGc(spec: StackSpec): string {
  return renderTemplate("registry/gc.sh.ejs", {
    dir: spec.dir,
    dataDir: spec.dataDir,
    quote,
    runLock: LOCK_PATH,
  });
}

/** The GC timer's unit files, when a schedule is set. */
export function gcTimerFiles(spec: StackSpec): StackFile[] {
  if (spec.gcSchedule === "") return [];
  const notify = [GC_TIMER_RESTART];
  return [
    {
      path: `${SYSTEMD_DIR}/ops-registry-gc.service`,
      content: renderTemplate("registry/ops-registry-gc.service.ejs", { dir: spec.dir }),
      mode: "0644",
      notify,
    },
    {
      path: `${SYSTEMD_DIR}/${GC_TIMER}`,
      content: renderTemplate("registry/ops-registry-gc.timer.ejs", { schedule: spec.gcSchedule }),
      mode: "0644",
      notify,
    },
  ];
}
