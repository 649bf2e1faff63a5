/**
 * Every compliance check ops knows, in report order (the benchmark's sections: host, daemon,
 * files, containers). A policy picks from this list; a waiver must name one of its ids.
 */
import type { Check } from "../../checks/check.js";
import { DEFAULT_PARAMS, type CheckParams } from "../params.js";
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
import {
  hostNetwork,
  memoryLimit,
  privileged,
  restartPolicy,
  socketMounted,
  unhealthy,
} from "./containers.js";
import { certsD, daemonJsonMode, dockerService, dockerSock, dockerSocketUnit, etcDocker } from "./files.js";
import { auditRulesCheck, dataRootPartition, dockerGroup, engineVersion } from "./host.js";

/**
 * The checks with the given parameters.
 *
 * @example catalog(DEFAULT_PARAMS).map((c) => c.id) // ["cis.host.data-root-partition", ...]
 */
export function catalog(params: CheckParams): Check[] {
  return [
    dataRootPartition(),
    dockerGroup(params),
    auditRulesCheck(),
    engineVersion(params),
    icc(),
    insecureRegistries(params),
    tls(),
    defaultUlimits(),
    usernsRemap(),
    logDriver(params),
    noNewPrivileges(),
    liveRestore(),
    userlandProxy(),
    seccomp(),
    etcDocker(),
    daemonJsonMode(),
    dockerSock(),
    dockerService(),
    dockerSocketUnit(),
    certsD(params),
    privileged(),
    hostNetwork(),
    socketMounted(),
    memoryLimit(),
    restartPolicy(params),
    unhealthy(),
  ];
}

/** Ids, titles and labels of every check, for policies, waivers and `ops check --list`. */
export const CATALOG: readonly Pick<Check, "id" | "title" | "labels">[] = catalog(DEFAULT_PARAMS).map(
  ({ id, title, labels }) => ({ id, title, ...(labels ? { labels } : {}) }),
);

export const CHECK_IDS: ReadonlySet<string> = new Set(CATALOG.map((c) => c.id));
