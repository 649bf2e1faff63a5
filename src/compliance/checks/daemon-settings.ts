/**
 * CIS section 2's daemon settings that change what the engine does, and 5.1 (swarm): the log level,
 * iptables, the storage driver, the cgroup parent, the base device size, authorization plugins and
 * experimental features. What the engine reports about itself (`docker info`: Debug, Driver,
 * Plugins.Authorization, ExperimentalBuild, Swarm) is judged first; the command line and daemon.json
 * where the engine reports nothing (docker-bench-security reads only those two).
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import { boolSetting, listSetting, stringSetting, type DaemonConfig } from "../daemon-config.js";
import { configEvidence, configFacts, configOf } from "./daemon-config-facts.js";
import { engineCheck, listWords, type CheckMeta, type RunningEngine } from "./support.js";

const CMDLINE = "tr '\\0' ' ' < /proc/$(systemctl show -p MainPID docker | cut -d= -f2)/cmdline";

interface Finding {
  readonly ok: boolean;
  readonly good: string;
  readonly bad: string;
  readonly expected: string;
  readonly actual: string;
  readonly hint: string;
  readonly output: string;
  readonly source: string;
  readonly command: string;
}

/** A check of the running engine and its configuration: pass when `find` says ok, else fail. */
function settingCheck(meta: CheckMeta, find: (info: RunningEngine, cfg: DaemonConfig) => Finding): Check {
  return engineCheck(meta, [...configFacts], (info, facts): CheckResult => {
    const f = find(info, configOf(facts));
    const evidence = { command: f.command, output: f.output, source: f.source };
    if (f.ok) return verdict("pass", f.good, evidence);
    return verdict("fail", f.bad, evidence, { expected: f.expected, actual: f.actual, hint: f.hint });
  });
}

/** Debug mode from the command line (`-D` is `--debug`) or daemon.json. */
const debugFlag = (cfg: DaemonConfig): boolean =>
  cfg.args.includes("-D") || boolSetting(cfg, "debug", "debug", false).value;

export const logLevel = (): Check =>
  settingCheck(
    {
      cis: "2.3",
      severity: "low",
      reads:
        "`Debug` from `docker info` (debug mode is the debug level), then `--log-level`/`-l` on the daemon's command line, else `log-level` in daemon.json (default info)",
      differs:
        'docker-bench-security passes any value containing `info`; ops wants exactly `info` and also fails a daemon in debug mode (`-D`, `"debug": true`)',
    },
    (info, cfg) => {
      const level = stringSetting(cfg, "log-level", { long: "log-level", short: "l" });
      const debug = info.debug || debugFlag(cfg);
      const effective = debug ? "debug" : (level.value ?? "info");
      return {
        ok: effective === "info",
        good: `the daemon logs at the info level${level.value === undefined ? " (the default)" : ""}`,
        bad: debug
          ? "the daemon runs in debug mode: it logs far more than needed, request bodies included"
          : `the daemon logs at the ${effective} level: events needed to investigate an incident are lost`,
        expected: "log level info",
        actual: debug ? "debug mode" : `log-level ${effective} (${level.source})`,
        hint: 'set "log-level": "info" in /etc/docker/daemon.json (and no "debug": true or -D) and restart docker',
        output: `Debug: ${info.debug}\n${configEvidence(cfg, ["log-level", "debug"])}`,
        source: debug && info.debug ? "docker info" : level.source,
        command: `docker info --format '{{.Debug}}'; grep -e log-level -e debug /etc/docker/daemon.json; ${CMDLINE}`,
      };
    },
  );

export const iptables = (): Check =>
  settingCheck(
    {
      cis: "2.4",
      severity: "medium",
      reads: "`--iptables` on the daemon's command line, else `iptables` in daemon.json (default true)",
    },
    (_info, cfg) => {
      const s = boolSetting(cfg, "iptables", "iptables", true);
      return {
        ok: s.value,
        good: "Docker manages the iptables rules of its networks",
        bad: "Docker may not change iptables: published ports and network isolation depend on hand-written rules",
        expected: "iptables true",
        actual: `iptables false (${s.source})`,
        hint: 'remove "iptables": false from /etc/docker/daemon.json (or --iptables=false) and restart docker',
        output: configEvidence(cfg, ["iptables"]),
        source: s.source,
        command: `grep iptables /etc/docker/daemon.json; ${CMDLINE}`,
      };
    },
  );

export const aufs = (): Check =>
  settingCheck(
    { cis: "2.6", severity: "medium", reads: "`Driver` from `docker info`: the storage driver in use" },
    (info) => ({
      ok: info.storageDriver !== "aufs",
      good: `the storage driver is ${info.storageDriver || "(none reported)"}, not aufs`,
      bad: "the storage driver is aufs: unmaintained, with known kernel crashes and security problems",
      expected: "a storage driver other than aufs (overlay2)",
      actual: info.storageDriver,
      hint: 'set "storage-driver": "overlay2" in /etc/docker/daemon.json and restart docker (images are pulled again)',
      output: `Driver: ${info.storageDriver}`,
      source: "docker info",
      command: "docker info --format '{{.Driver}}'",
    }),
  );

export const defaultCgroupParent = (): Check =>
  settingCheck(
    {
      cis: "2.10",
      severity: "low",
      reads: "`--cgroup-parent` on the daemon's command line, else `cgroup-parent` in daemon.json",
      differs:
        "fails whenever a default cgroup parent is set, as docker-bench-security warns: a person confirms it with a waiver",
    },
    (_info, cfg) => {
      const s = stringSetting(cfg, "cgroup-parent", { long: "cgroup-parent" });
      return {
        ok: s.value === undefined || s.value === "",
        good: "containers use the default cgroup parent",
        bad: `containers run under the cgroup parent ${s.value ?? ""}: confirm that its limits are the ones intended`,
        expected: "the default cgroup parent (none set), or a waiver confirming the one set",
        actual: `cgroup-parent ${s.value ?? ""} (${s.source})`,
        hint: 'remove "cgroup-parent" from /etc/docker/daemon.json, or confirm it with a waiver for cis.2.10',
        output: configEvidence(cfg, ["cgroup-parent"]),
        source: s.source,
        command: `grep cgroup-parent /etc/docker/daemon.json; ${CMDLINE}`,
      };
    },
  );

export const baseDeviceSize = (): Check =>
  settingCheck(
    {
      cis: "2.11",
      severity: "low",
      reads:
        "`dm.basesize` in `--storage-opt` on the daemon's command line, else in `storage-opts` of daemon.json",
    },
    (_info, cfg) => {
      const opts = listSetting(cfg, "storage-opts", { long: "storage-opt" });
      const base = opts.value.filter((o) => o.trim().startsWith("dm.basesize"));
      return {
        ok: base.length === 0,
        good: "the base device size is the default",
        bad: `the base device size is changed (${base.join(", ")})`,
        expected: "no dm.basesize storage option",
        actual: `${base.join(", ")} (${opts.source})`,
        hint: 'remove dm.basesize from "storage-opts" in /etc/docker/daemon.json unless it is needed, and restart docker',
        output: configEvidence(cfg, ["storage-opts"]),
        source: opts.source,
        command: `grep -A3 storage-opts /etc/docker/daemon.json; ${CMDLINE}`,
      };
    },
  );

export const authorizationPlugin = (): Check =>
  settingCheck(
    {
      cis: "2.12",
      severity: "medium",
      reads:
        "`Plugins.Authorization` from `docker info`: the authorization plugins the daemon applies to every request",
      differs: "judged on the plugins the daemon reports in use, not on the flag's text",
    },
    (info, cfg) => ({
      ok: info.authorizationPlugins.length > 0,
      good: `every API request goes through ${listWords(info.authorizationPlugins)}`,
      bad: "no authorization plugin: whoever reaches the socket may do anything",
      expected: "an authorization plugin (--authorization-plugin)",
      actual: "none",
      hint: 'install an authorization plugin and set "authorization-plugins": ["<plugin>"] in /etc/docker/daemon.json; restart docker',
      output: `Plugins.Authorization: ${JSON.stringify(info.authorizationPlugins)}\n${configEvidence(cfg, ["authorization-plugins"])}`,
      source: "docker info",
      command: "docker info --format '{{json .Plugins.Authorization}}'",
    }),
  );

export const experimental = (): Check =>
  settingCheck(
    {
      cis: "2.18",
      severity: "medium",
      reads: "`ExperimentalBuild` from `docker info`",
      differs:
        "docker-bench-security only reports it for engines after 19.03; ops judges every engine, since `--experimental` still turns experimental features on",
    },
    (info, cfg) => ({
      ok: !info.experimental,
      good: "experimental features are off",
      bad: "experimental features are on: their APIs are not stable or reviewed for production",
      expected: "ExperimentalBuild false",
      actual: "ExperimentalBuild true",
      hint: 'remove "experimental": true from /etc/docker/daemon.json (or --experimental) and restart docker',
      output: `ExperimentalBuild: ${info.experimental}\n${configEvidence(cfg, ["experimental"])}`,
      source: "docker info",
      command: "docker info --format '{{.ExperimentalBuild}}'",
    }),
  );

export const swarmMode = (): Check =>
  settingCheck(
    {
      cis: "5.1",
      severity: "medium",
      reads: "`Swarm.LocalNodeState` from `docker info`",
      differs:
        "any state but `inactive` fails (pending, locked and error too); a swarm that is needed is waived",
    },
    (info) => ({
      ok: info.swarmState === "inactive",
      good: "swarm mode is not enabled",
      bad: `swarm mode is ${info.swarmState || "in an unknown state"}: the engine listens for cluster traffic`,
      expected: "Swarm inactive",
      actual: `Swarm ${info.swarmState || "(not reported)"}`,
      hint: "docker swarm leave (if the swarm is not needed), or waive cis.5.1 for the swarm's hosts",
      output: `Swarm.LocalNodeState: ${info.swarmState || "(not reported)"}`,
      source: "docker info",
      command: "docker info --format '{{.Swarm.LocalNodeState}}'",
    }),
  );
