/**
 * The facts every daemon-configuration check reads, and the one function that turns them into a
 * DaemonConfig, so each check reads daemon.json and the command line the same way.
 */
import { file } from "../../facts/file.js";
import type { FactSet } from "../../facts/fact.js";
import { daemonConfig, type DaemonConfig } from "../daemon-config.js";
import { DAEMON_JSON_PATH } from "../facts/docker-files.js";
import { dockerdCmdline } from "../facts/dockerd-cmdline.js";

/** The same fact install-engine's daemon.json resource reads: gathered once per host. */
export const daemonJsonFile = file(DAEMON_JSON_PATH);

export const configFacts = [daemonJsonFile, dockerdCmdline] as const;

/** @example configOf(facts).file["live-restore"] */
export function configOf(facts: FactSet): DaemonConfig {
  return daemonConfig(facts.get(daemonJsonFile), facts.get(dockerdCmdline), DAEMON_JSON_PATH);
}

/** Both sources, for evidence: the command line and the daemon.json keys that matter. */
export function configEvidence(cfg: DaemonConfig, keys: readonly string[]): string {
  const cmd = cfg.cmdlineSource
    ? `${cfg.cmdlineSource}: dockerd ${cfg.args.join(" ")}`
    : "dockerd is not running";
  const shown = keys.filter((k) => k in cfg.file).map((k) => `"${k}": ${JSON.stringify(cfg.file[k])}`);
  const file =
    cfg.fileProblem ?? `${cfg.filePath}: ${shown.length > 0 ? shown.join(", ") : `no ${keys.join(", ")}`}`;
  return `${cmd}\n${file}`;
}
