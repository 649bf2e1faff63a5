/**
 * CIS section 2, the daemon's runtime defaults: inter-container communication, live restore, the
 * userland proxy, user namespaces, seccomp, no-new-privileges and default ulimits. Effective state
 * first (`docker info`, the bridge network as the daemon applied it); daemon.json and the command
 * line where the engine reports nothing.
 */
import { verdict, type Check } from "../../checks/check.js";
import { boolSetting, listSetting, type Setting } from "../daemon-config.js";
import { bridgeNetwork } from "../facts/bridge-network.js";
import { configEvidence, configFacts, configOf } from "./daemon-config-facts.js";
import { complianceCheck, engineCheck, notApplicable, type CheckMeta } from "./support.js";

const ICC_OPTION = "com.docker.network.bridge.enable_icc";

export const icc = (): Check => {
  const meta: CheckMeta = {
    cis: "2.2",
    severity: "medium",
    reads: "`enable_icc` of the default bridge as the daemon applied it (`docker network inspect bridge`)",
    differs:
      "not applicable when the daemon has no default bridge; judged on the effective option, not daemon.json's text",
  };
  const command = "docker network inspect bridge --format '{{json .Options}}'";
  return engineCheck(meta, [bridgeNetwork], (_info, facts) => {
    const bridge = facts.get(bridgeNetwork);
    if (bridge.status === "absent") {
      return notApplicable("the daemon has no default bridge network", {
        command,
        output: bridge.message,
        source: "docker network inspect",
      });
    }
    const value = bridge.options[ICC_OPTION] ?? "true";
    const output = `${ICC_OPTION}: ${value}`;
    const evidence = { command, output, source: "docker network inspect bridge" };
    if (value === "false")
      return verdict("pass", "containers on the default bridge cannot talk to each other", evidence);
    return verdict("fail", "containers on the default bridge can talk to each other (icc is on)", evidence, {
      expected: "icc false",
      actual: `icc ${value}`,
      hint: 'set "icc": false in /etc/docker/daemon.json (install-engine: docker_daemon_options) and restart docker',
    });
  });
};

export const liveRestore = (): Check => {
  const meta: CheckMeta = {
    cis: "2.15",
    severity: "medium",
    reads: "`LiveRestoreEnabled` from `docker info`",
  };
  return engineCheck(meta, [], (info) => {
    const evidence = {
      command: "docker info --format '{{.LiveRestoreEnabled}}'",
      output: `LiveRestoreEnabled: ${info.liveRestore}`,
      source: "docker info",
    };
    if (info.liveRestore) return verdict("pass", "live restore is enabled", evidence);
    return verdict("fail", "live restore is disabled: a daemon restart stops every container", evidence, {
      expected: "LiveRestoreEnabled true",
      actual: "LiveRestoreEnabled false",
      hint: 'set "live-restore": true in /etc/docker/daemon.json and run systemctl reload docker',
    });
  });
};

/** A daemon boolean that must have one value, read from the command line or daemon.json. */
function configFlag(
  meta: CheckMeta,
  key: string,
  want: boolean,
  fallback: boolean,
  what: { good: string; bad: string; hint: string },
): Check {
  return complianceCheck(meta, [...configFacts], (facts) => {
    const cfg = configOf(facts);
    const setting: Setting<boolean> = boolSetting(cfg, key, key, fallback);
    const evidence = {
      command: `grep -- ${key} /etc/docker/daemon.json; tr '\\0' ' ' < /proc/$(systemctl show -p MainPID docker | cut -d= -f2)/cmdline`,
      output: `${configEvidence(cfg, [key])}\n${key} = ${setting.value} (from ${setting.source})`,
      source: setting.source,
    };
    if (setting.value === want) return verdict("pass", what.good, evidence);
    return verdict("fail", what.bad, evidence, {
      expected: `${key} ${want}`,
      actual: `${key} ${setting.value}${setting.source === "default" ? " (the default)" : ""}`,
      hint: what.hint,
    });
  });
}

export const userlandProxy = (): Check =>
  configFlag(
    {
      cis: "2.16",
      severity: "low",
      reads:
        "`--userland-proxy` on the daemon's command line, else `userland-proxy` in daemon.json (default on)",
    },
    "userland-proxy",
    false,
    true,
    {
      good: "the userland proxy is disabled: published ports use iptables only",
      bad: "the userland proxy is enabled: a docker-proxy process serves each published port",
      hint: 'set "userland-proxy": false in /etc/docker/daemon.json and restart docker (needs hairpin NAT in the kernel)',
    },
  );

export const noNewPrivileges = (): Check =>
  configFlag(
    {
      cis: "2.14",
      severity: "medium",
      reads: "`--no-new-privileges` on the daemon's command line, else `no-new-privileges` in daemon.json",
    },
    "no-new-privileges",
    true,
    false,
    {
      good: "no-new-privileges is the default for new containers",
      bad: "containers may gain privileges through setuid binaries (no-new-privileges is off)",
      hint: 'set "no-new-privileges": true in /etc/docker/daemon.json and restart docker',
    },
  );

export const usernsRemap = (): Check => {
  const meta: CheckMeta = {
    cis: "2.9",
    severity: "medium",
    reads: "`name=userns` in `SecurityOptions` from `docker info`",
  };
  return engineCheck(meta, [], (info) => {
    const evidence = {
      command: "docker info --format '{{json .SecurityOptions}}'",
      output: `SecurityOptions: ${JSON.stringify(info.securityOptions)}`,
      source: "docker info",
    };
    if (info.securityOptions.includes("name=userns"))
      return verdict("pass", "containers run in a remapped user namespace", evidence);
    return verdict("fail", "containers' root is the host's root (userns-remap is off)", evidence, {
      expected: "name=userns in SecurityOptions",
      actual: "no userns",
      hint: 'set "userns-remap": "default" in /etc/docker/daemon.json and restart docker (images are pulled again)',
    });
  });
};

export const seccomp = (): Check => {
  const meta: CheckMeta = {
    cis: "2.17",
    severity: "high",
    reads:
      "the seccomp entry of `SecurityOptions` from `docker info`: present and not `profile=unconfined` (`builtin` on Docker 23 and later is the default profile)",
    differs:
      "the benchmark leaves a custom profile to a person (manual); ops fails a daemon-wide unconfined profile or none",
  };
  return engineCheck(meta, [], (info) => {
    const entry = info.securityOptions.find((o) => o.split(",").includes("name=seccomp"));
    const profile = /(?:^|,)profile=([^,]+)/.exec(entry ?? "")?.[1];
    const evidence = {
      command: "docker info --format '{{json .SecurityOptions}}'",
      output: `SecurityOptions: ${JSON.stringify(info.securityOptions)}`,
      source: "docker info",
    };
    // Docker 23 and later say `profile=builtin` for the default profile.
    if (entry !== undefined && profile !== "unconfined")
      return verdict("pass", `containers run under the ${profile ?? "default"} seccomp profile`, evidence);
    return verdict(
      "fail",
      entry === undefined
        ? "the engine applies no seccomp profile"
        : "the daemon-wide seccomp profile is unconfined",
      evidence,
      {
        expected: "name=seccomp,profile=default (or a custom profile)",
        actual: entry ?? "no seccomp",
        hint: 'remove "seccomp-profile": "unconfined" from /etc/docker/daemon.json (or the --seccomp-profile flag) and restart docker',
      },
    );
  });
};

export const defaultUlimits = (): Check => {
  const meta: CheckMeta = {
    cis: "2.8",
    severity: "low",
    reads: "`--default-ulimit` on the daemon's command line, else `default-ulimits` in daemon.json",
    differs: 'the benchmark leaves "appropriate" to a person (manual); ops fails when none is set',
  };
  return complianceCheck(meta, [...configFacts], (facts) => {
    const cfg = configOf(facts);
    const limits = listSetting(cfg, "default-ulimits", { long: "default-ulimit" });
    const evidence = {
      command: "grep -A3 default-ulimits /etc/docker/daemon.json",
      output: configEvidence(cfg, ["default-ulimits"]),
      source: limits.source,
    };
    if (limits.value.length > 0)
      return verdict("pass", `default ulimits are set (${limits.value.join(", ")})`, evidence);
    return verdict("fail", "no default ulimits: containers inherit the daemon's limits", evidence, {
      expected: "default-ulimits set (e.g. nofile, nproc)",
      actual: "none",
      hint: 'set "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 64000, "Hard": 64000}} in /etc/docker/daemon.json and restart docker',
    });
  });
};
