/**
 * Every compliance check ops knows, in the benchmark's order, one per CIS id. A policy picks from
 * this list; a waiver must name one of its ids.
 */
import type { Check } from "../../checks/check.js";
import { CIS_TABLE } from "../cis-table.js";
import { DEFAULT_PARAMS, type CheckParams } from "../params.js";
import {
  healthCheck,
  hostNetwork,
  memoryLimit,
  privileged,
  restartPolicy,
  socketMounted,
} from "./containers.js";
import {
  boundInterface,
  cgroupParent,
  cpuShares,
  defaultBridge,
  hostIpc,
  hostPid,
  hostUserns,
  hostUts,
  mountPropagation,
  pidsLimit,
  privilegedPorts,
  readOnlyRoot,
} from "./container-runtime.js";
import {
  appArmor,
  capabilities,
  containerNoNewPrivileges,
  containerSeccomp,
  containerUser,
  selinux,
  sensitiveMounts,
  sshd,
} from "./container-security.js";
import { insecureRegistries, logDriver, tls } from "./daemon-access.js";
import {
  defaultUlimits,
  icc,
  liveRestore,
  noNewPrivileges,
  seccomp,
  userlandProxy,
  usernsRemap,
} from "./daemon-runtime.js";
import { contentTrustCheck } from "./content-trust.js";
import { privilegedExecCheck } from "./exec-audit.js";
import { daemonFileChecks } from "./daemon-files.js";
import {
  aufs,
  authorizationPlugin,
  baseDeviceSize,
  defaultCgroupParent,
  experimental,
  iptables,
  logLevel,
  swarmMode,
} from "./daemon-settings.js";
import { fileChecks } from "./files.js";
import { imageHealthcheck } from "./images.js";
import { auditChecks, dataRootPartition, dockerGroup, engineVersion } from "./host.js";

const ORDER = new Map(CIS_TABLE.map((r, i) => [r.id, i]));

/**
 * The checks with the given parameters, in the benchmark's order.
 *
 * @example catalog(DEFAULT_PARAMS).map((c) => c.id) // ["cis.1.1.1", "cis.1.1.2", ...]
 */
export function catalog(params: CheckParams): Check[] {
  const checks = [
    dataRootPartition(),
    dockerGroup(params),
    ...auditChecks(),
    engineVersion(params),
    icc(),
    logLevel(),
    iptables(),
    insecureRegistries(params),
    aufs(),
    tls(),
    defaultUlimits(),
    usernsRemap(),
    defaultCgroupParent(),
    baseDeviceSize(),
    authorizationPlugin(),
    logDriver(params),
    noNewPrivileges(),
    liveRestore(),
    userlandProxy(),
    seccomp(),
    experimental(),
    ...fileChecks(params),
    ...daemonFileChecks(),
    contentTrustCheck(),
    imageHealthcheck(),
    swarmMode(),
    privileged(),
    hostNetwork(),
    memoryLimit(),
    restartPolicy(params),
    healthCheck(),
    socketMounted(),
    containerUser(),
    appArmor(),
    selinux(),
    capabilities(),
    sensitiveMounts(),
    sshd(),
    privilegedPorts(),
    cpuShares(),
    readOnlyRoot(),
    boundInterface(),
    hostPid(),
    hostIpc(),
    mountPropagation(),
    hostUts(),
    containerSeccomp(),
    privilegedExecCheck(),
    cgroupParent(),
    containerNoNewPrivileges(),
    pidsLimit(),
    defaultBridge(),
    hostUserns(),
  ];
  const rank = (c: Check) => ORDER.get(c.labels?.cis ?? "") ?? Number.MAX_SAFE_INTEGER;
  return checks.sort((a, b) => rank(a) - rank(b));
}

/** Ids, titles and labels of every check, for policies, waivers and `ops check --list`. */
export const CATALOG: readonly Pick<Check, "id" | "title" | "labels">[] = catalog(DEFAULT_PARAMS).map(
  ({ id, title, labels }) => ({ id, title, ...(labels ? { labels } : {}) }),
);

export const CHECK_IDS: ReadonlySet<string> = new Set(CATALOG.map((c) => c.id));
